package cli

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/schemagen/schemagen/registry/server"
)

// embedded is an in-process Kafka cluster (kfake) and schema registry
// (registry/server).
type embedded struct {
	cluster *kfake.Cluster
	reg     *server.Server
	url     string
	served  chan error
}

// brokers returns the cluster's addresses.
func (m *embedded) brokers() []string { return m.cluster.ListenAddrs() }

// startEmbedded starts 3 kfake brokers and a registry listening on
// regAddr. With dataDir, both persist there. With kafkaStore the registry
// keeps its state on the cluster's _schemas topic instead of a file. The
// registry warns on log (a torn log tail it cut away); nil discards.
func startEmbedded(regAddr, dataDir string, kafkaStore bool, log *slog.Logger, kopts ...kfake.Opt) (*embedded, error) {
	kopts = append([]kfake.Opt{kfake.NumBrokers(3), kfake.DefaultNumPartitions(3), kfake.AllowAutoTopicCreation()}, kopts...)
	var sopts []server.Opt
	if log != nil {
		sopts = append(sopts, server.Logger(log))
	}
	if dataDir != "" {
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			return nil, err
		}
		kopts = append(kopts, kfake.DataDir(filepath.Join(dataDir, "kafka")))
		if !kafkaStore {
			sopts = append(sopts, server.LogFile(filepath.Join(dataDir, "registry.log")))
		}
	}
	if kafkaStore {
		cluster, err := kfake.NewCluster(kopts...)
		if err != nil {
			return nil, fmt.Errorf("kafka: %w", err)
		}
		autoCreate(cluster)
		m, err := serveEmbedded(cluster, regAddr, append(sopts, server.KafkaStore("", kgo.SeedBrokers(cluster.ListenAddrs()...))))
		if err != nil {
			cluster.Close()
		}
		return m, err
	}
	reg, err := server.New(sopts...)
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	l, err := net.Listen("tcp", regAddr)
	if err != nil {
		reg.Close()
		return nil, fmt.Errorf("registry: %w", err)
	}
	cluster, err := kfake.NewCluster(kopts...)
	if err != nil {
		l.Close()
		reg.Close()
		return nil, fmt.Errorf("kafka: %w", err)
	}
	autoCreate(cluster)
	m := &embedded{cluster: cluster, reg: reg, url: "http://" + l.Addr().String(), served: make(chan error, 1)}
	go func() { m.served <- reg.Serve(l) }()
	return m, nil
}

// autoCreate makes the cluster create a topic on a client's first request
// for it, as a local Kafka does: Java clients ask for that, franz-go
// clients only with kgo.AllowAutoTopicCreation, so the library producer
// would find no topic. It asks on every client's behalf. (schemagentest
// does the same for its cluster.)
func autoCreate(c *kfake.Cluster) {
	c.ControlKey(int16(kmsg.Metadata), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		if mr, ok := r.(*kmsg.MetadataRequest); ok {
			mr.AllowAutoTopicCreation = true
		}
		return nil, nil, false
	})
}

// serveEmbedded starts the registry on a running cluster.
func serveEmbedded(cluster *kfake.Cluster, regAddr string, sopts []server.Opt) (*embedded, error) {
	l, err := net.Listen("tcp", regAddr)
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	url := "http://" + l.Addr().String()
	reg, err := server.New(append(sopts, server.AdvertisedURL(url))...)
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("registry: %w", err)
	}
	m := &embedded{cluster: cluster, reg: reg, url: url, served: make(chan error, 1)}
	go func() { m.served <- reg.Serve(l) }()
	return m, nil
}

func (m *embedded) close() error {
	// The registry first: on a Kafka store it leaves its group while the
	// cluster is still there.
	err := m.reg.Close()
	m.cluster.Close()
	if serr := <-m.served; serr != nil && !errors.Is(serr, server.ErrClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// devReady, when set (by tests), is called once dev is serving.
var devReady func(brokers []string, registryURL string)

func runDev(e *env, args []string) error {
	fs := newFlags(e, "dev", "")
	regAddr := fs.String("registry-addr", "127.0.0.1:8081", "address the registry listens on (port 0 picks one)")
	kafkaPort := fs.Int("kafka-port", 9092, "port of the first broker; the others take the next two (0 picks free ports)")
	dataDir := fs.String("data-dir", "", "directory where the broker and the registry persist their data (default: memory only)")
	kafkaStore := fs.Bool("kafka-store", false, "keep the registry's state on the embedded cluster's _schemas topic instead of a file")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if host, _, err := net.SplitHostPort(*regAddr); err != nil || !isLoopback(host) {
		return usageErr("--registry-addr %q: want a loopback host:port", *regAddr)
	}
	if *kafkaPort < 0 || *kafkaPort > 65533 {
		return usageErr("--kafka-port %d: want 0 (free ports) or 1..65533 (three brokers take three ports)", *kafkaPort)
	}
	var kopts []kfake.Opt
	if *kafkaPort != 0 {
		kopts = append(kopts, kfake.Ports(*kafkaPort, *kafkaPort+1, *kafkaPort+2))
	}
	dd := ""
	if *dataDir != "" {
		dd = e.path(*dataDir)
	}
	m, err := startEmbedded(*regAddr, dd, *kafkaStore, slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), kopts...)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "kafka:    %s\n", strings.Join(m.brokers(), ","))
	fmt.Fprintf(e.stdout, "registry: %s\n", m.url)
	if dd != "" {
		fmt.Fprintf(e.stdout, "data:     %s\n", dd)
	}
	fmt.Fprintln(e.stdout, "running until interrupted (Ctrl-C)")
	if devReady != nil {
		devReady(m.brokers(), m.url)
	}
	<-e.ctx.Done()
	fmt.Fprintln(e.stderr, "dev: stopping")
	return m.close()
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
