// Package cli is the schemagen command: Run takes the arguments and the
// standard streams, so tests drive the whole CLI in-process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/schemagen/schemagen/cmd/schemagen/internal/config"
	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/serde"
)

// Exit codes.
const (
	ExitOK       = 0
	ExitError    = 1   // system or registry error
	ExitUsage    = 2   // usage or config error
	ExitFindings = 100 // incompatibilities, stale generated code, rejected records
)

// Version is the CLI's version, set with -ldflags "-X ...cli.Version=v1.2.3".
var Version = "v0.1.0-dev"

// exitError carries an exit code other than ExitError.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErr is an error that exits with ExitUsage.
func usageErr(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

// findingsErr exits with ExitFindings; the findings were printed already.
func findingsErr(format string, args ...any) error {
	return &exitError{code: ExitFindings, err: fmt.Errorf(format, args...)}
}

// env is what a command runs with.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// dir is the directory relative paths start from ("" is the process's).
	dir string
}

type command struct {
	summary string
	run     func(e *env, args []string) error
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"init":       {"write a starter schemagen.yaml and an example schema", runInit},
		"generate":   {"write the Go packages of the configured schemas (--check: exit 100 if stale)", runGenerate},
		"register":   {"register the configured schemas in reference order (--dry-run: print the plan)", runRegister},
		"check":      {"check compatibility against a directory, a git ref or the registry", runCheck},
		"fetch":      {"write a registered schema and its references to files", runFetch},
		"config":     {"get or set the compatibility level and mode of a subject or the registry", runConfig},
		"dev":        {"run an embedded Kafka (3 brokers) and schema registry until interrupted", runDev},
		"produce":    {"produce JSON lines from stdin, validated against a subject's latest schema", runProduce},
		"version":    {"print the version", runVersion},
		"completion": {"print a shell completion script: schemagen completion bash|zsh|fish", runCompletion},
	}
}

// Run runs the schemagen command line args and returns the exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(&env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}, args)
}

func run(e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stderr)
		return ExitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && args[0] == "help" {
			// help CMD: the command's own help, on stdout.
			if _, ok := commands[args[1]]; ok {
				args = []string{args[1], "-h"}
				break
			}
			fmt.Fprintf(e.stderr, "schemagen help: unknown command %q%s\n", args[1], suggest(args[1]))
			return ExitUsage
		}
		usage(e.stdout)
		return ExitOK
	case "-version", "--version":
		args = append([]string{"version"}, args[1:]...)
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "schemagen: unknown command %q%s\n", args[0], suggest(args[0]))
		fmt.Fprintf(e.stderr, "Run schemagen help for the commands.\n")
		return ExitUsage
	}
	err := cmd.run(e, args[1:])
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	code := exitCode(err)
	fmt.Fprintf(e.stderr, "schemagen %s: %v\n", args[0], err)
	return code
}

func exitCode(err error) int {
	var xe *exitError
	switch {
	case errors.As(err, &xe):
		return xe.code
	case errors.Is(err, config.ErrConfig), errors.Is(err, registry.ErrConfig):
		return ExitUsage
	case errors.Is(err, registry.ErrIncompatible):
		// The registry refused an incompatible schema: a finding, like
		// those of check.
		return ExitFindings
	case remote(err):
		// The registry or the network, even when it happened while
		// resolving a reference: not the user's mistake.
		return ExitError
	case errors.Is(err, serde.ErrSchema), errors.Is(err, serde.ErrReference):
		// A schema that does not compile, a reference or $ref that
		// names nothing: the user's mistake.
		return ExitUsage
	}
	return ExitError
}

// remote reports whether err came from the registry or the network.
func remote(err error) bool {
	var (
		re *registry.ResponseError
		ue *url.Error
		ne net.Error
	)
	return errors.As(err, &re) || errors.As(err, &ue) || errors.As(err, &ne) ||
		errors.Is(err, registry.ErrUnavailable) || errors.Is(err, registry.ErrMalformedResponse) ||
		errors.Is(err, registry.ErrRetryBudget)
}

// suggest is ", did you mean ...?" for a mistyped command name, or "".
func suggest(name string) string {
	var best []string
	bestD := 3 // at most two edits away
	for c := range commands {
		d := editDistance(strings.ToLower(name), c)
		if strings.HasPrefix(c, strings.ToLower(name)) && len(name) >= 2 {
			d = min(d, 1)
		}
		switch {
		case d < bestD:
			best, bestD = []string{c}, d
		case d == bestD:
			best = append(best, c)
		}
	}
	if len(best) == 0 {
		return ""
	}
	sort.Strings(best)
	return fmt.Sprintf(", did you mean %s?", strings.Join(best, " or "))
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "usage: schemagen <command> [flags]\n\ncommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "\nRun schemagen <command> -h for a command's flags.\nExit codes: 0 ok, 1 system or registry error, 2 usage or config error, 100 findings.\n")
}

// helpTo holds, per flag set, the function that prints the command's
// help to stdout (-h, help CMD).
var helpTo sync.Map // *flag.FlagSet -> func()

// newFlags returns a command's flag set. The flag package prints nothing:
// a parse error is returned and printed once, -h prints the help on
// stdout, and fs.Usage (for a command's own usage mistakes) on stderr.
func newFlags(e *env, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	show := func(w io.Writer) {
		fmt.Fprintf(w, "usage: schemagen %s [flags] %s\n", name, args)
		if c, ok := commands[name]; ok {
			fmt.Fprintf(w, "\n%s\n", c.summary)
		}
		fmt.Fprintf(w, "\nflags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	fs.Usage = func() { show(e.stderr) }
	helpTo.Store(fs, func() { show(e.stdout) })
	return fs
}

// parse parses flags and positional arguments in any order.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	usage := fs.Usage
	fs.Usage = func() {} // the flag package's own calls: see newFlags
	defer func() { fs.Usage = usage; helpTo.Delete(fs) }()
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				if h, ok := helpTo.Load(fs); ok {
					h.(func())()
				}
				return nil, err
			}
			return nil, &exitError{code: ExitUsage, err: fmt.Errorf("%w (schemagen %s -h lists the flags)", err, fs.Name())}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// conn holds the flags every command that talks to the registry has.
type conn struct {
	configPath string
	url        string
	userEnv    string
	passEnv    string
	tokenEnv   string
}

func (c *conn) bind(fs *flag.FlagSet, withConfig bool) {
	if withConfig {
		fs.StringVar(&c.configPath, "config", config.FileName, "config file")
	}
	fs.StringVar(&c.url, "registry", "", "schema registry URL (overrides the config's registry.url)")
	fs.StringVar(&c.userEnv, "registry-username-env", "", "environment variable holding the registry user name")
	fs.StringVar(&c.passEnv, "registry-password-env", "", "environment variable holding the registry password")
	fs.StringVar(&c.tokenEnv, "registry-token-env", "", "environment variable holding a registry bearer token")
}

// path resolves a command-line path against the env's directory.
func (e *env) path(p string) string {
	if e.dir == "" || p == "" || strings.HasPrefix(p, "/") {
		return p
	}
	return e.dir + "/" + p
}

// loadConfig loads the config file; with optional, a missing default file
// is no error (nil config).
func (e *env) loadConfig(c *conn, optional bool) (*config.Config, error) {
	p := e.path(c.configPath)
	if _, err := os.Stat(p); err != nil && optional && c.configPath == config.FileName {
		return nil, nil
	}
	return config.Load(p)
}

// client builds the registry client from the flags, else the config.
func (e *env) client(c *conn, cfg *config.Config) (*registry.Client, error) {
	var urls []string
	auth := config.Auth{}
	if cfg != nil {
		urls = cfg.Registry.AllURLs()
		auth = cfg.Registry.Auth
	}
	if c.url != "" {
		urls = []string{c.url}
	}
	if c.userEnv != "" || c.passEnv != "" || c.tokenEnv != "" {
		auth = config.Auth{UsernameEnv: c.userEnv, PasswordEnv: c.passEnv, TokenEnv: c.tokenEnv}
	}
	if len(urls) == 0 {
		return nil, usageErr("no registry: set registry.url in %s or pass --registry", config.FileName)
	}
	user, pass, token, err := auth.Credentials(e.getenv)
	if err != nil {
		return nil, err
	}
	if err := probeHTTP(e.ctx, urls); err != nil {
		return nil, err
	}
	opts := []registry.Opt{registry.URLs(urls...), registry.Logger(slog.New(slog.DiscardHandler)), registry.Retries(2)}
	switch {
	case token != "":
		opts = append(opts, registry.BearerToken(token))
	case user != "":
		opts = append(opts, registry.BasicAuth(user, pass))
	}
	return registry.New(opts...)
}

// probeTimeout bounds the wait for a registry URL to answer HTTP at all.
const probeTimeout = 4 * time.Second

// probeHTTP fails fast, with a hint, when no registry URL answers HTTP:
// a Kafka port given as the registry reads the request as a huge Kafka
// request and says nothing (or hangs up), which would otherwise cost every
// retry's full timeout. Any HTTP answer, an error status included, passes;
// so does an error that is not about HTTP (refused, TLS), which the
// registry client reports itself.
func probeHTTP(ctx context.Context, urls []string) error {
	var silent []string
	for _, u := range urls {
		pctx, cancel := context.WithTimeout(ctx, probeTimeout)
		req, err := http.NewRequestWithContext(pctx, http.MethodGet, strings.TrimRight(u, "/")+"/", nil)
		if err != nil {
			cancel()
			return nil // the registry client refuses the URL itself
		}
		resp, err := http.DefaultClient.Do(req)
		cancel()
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) &&
			!strings.Contains(err.Error(), "malformed HTTP") && !strings.Contains(err.Error(), "connection reset") {
			return nil
		}
		silent = append(silent, u)
	}
	return fmt.Errorf("%w: %s did not answer HTTP within %v: is it a Kafka broker's port? A registry answers HTTP (schemagen dev prints both: kafka 127.0.0.1:9092, registry http://127.0.0.1:8081)",
		registry.ErrUnavailable, strings.Join(silent, ", "), probeTimeout)
}

func runVersion(e *env, args []string) error {
	fs := newFlags(e, "version", "")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "schemagen %s\n", Version)
	return nil
}

// output validates an --output flag.
func checkOutput(o string) error {
	if o != "text" && o != "json" {
		return usageErr("--output %q: want text or json", o)
	}
	return nil
}
