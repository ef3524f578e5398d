package cli

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/schemagen/schemagen/registry/server"
)

// registryReady, when set (by tests), is called once registry is serving.
var registryReady func(url string)

// runRegistry runs one registry instance whose state is a Kafka topic.
// Several instances on the same topic elect one writer and forward writes
// to it (see registry/server and docs/OPERATIONS.md, "The registry on Kafka storage").
func runRegistry(e *env, args []string) error {
	fs := newFlags(e, "registry", "")
	listen := fs.String("listen", "127.0.0.1:8081", "address the registry listens on (port 0 picks one)")
	brokers := fs.String("kafka", "", "Kafka seed brokers, comma-separated (required)")
	topic := fs.String("topic", server.DefaultKafkaTopic, "compacted topic that holds the registry's state")
	advertised := fs.String("advertised-url", "", "URL the other instances forward writes to (default http://LISTEN, with this host's name when LISTEN has no host)")
	var ks kafkaFlags
	ks.bind(fs)
	if err := refuseSecretFlags(args); err != nil {
		return err
	}
	if _, err := parse(fs, args); err != nil {
		return err
	}
	auth, err := ks.load(e)
	if err != nil {
		return err
	}
	var seeds []string
	for b := range strings.SplitSeq(*brokers, ",") {
		if b = strings.TrimSpace(b); b != "" {
			seeds = append(seeds, b)
		}
	}
	if len(seeds) == 0 {
		return usageErr("--kafka: want the seed brokers, host:port[,host:port...]")
	}
	if *topic == "" {
		return usageErr("--topic: want a topic name")
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return usageErr("--listen %q: %v", *listen, err)
	}
	url := *advertised
	if url == "" {
		host, port, _ := net.SplitHostPort(l.Addr().String())
		if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
			if h, herr := os.Hostname(); herr == nil {
				host = h
			}
		}
		url = "http://" + net.JoinHostPort(host, port)
	}
	reg, err := server.New(
		server.KafkaStore(*topic, append([]kgo.Opt{kgo.SeedBrokers(seeds...)}, auth.kgoOpts()...)...),
		server.AdvertisedURL(url),
	)
	if err != nil {
		l.Close()
		return fmt.Errorf("registry (kafka %s, %s): %w", strings.Join(seeds, ","), auth, err)
	}
	served := make(chan error, 1)
	go func() { served <- reg.Serve(l) }()
	fmt.Fprintf(e.stdout, "registry: %s (topic %s on %s)\n", url, *topic, strings.Join(seeds, ","))
	fmt.Fprintln(e.stdout, "running until interrupted (Ctrl-C)")
	if registryReady != nil {
		registryReady(url)
	}
	select {
	case <-e.ctx.Done():
	case err := <-served:
		reg.Close()
		return fmt.Errorf("registry: %w", err)
	}
	fmt.Fprintln(e.stderr, "registry: stopping")
	err = reg.Close()
	if serr := <-served; serr != nil && !errors.Is(serr, server.ErrClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
