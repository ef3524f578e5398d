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
	"os"
	"sort"
	"strings"

	"github.com/schemagen/schemagen/cmd/schemagen/internal/config"
	"github.com/schemagen/schemagen/registry"
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
		"init":     {"write a starter schemagen.yaml and an example schema", runInit},
		"generate": {"write the Go packages of the configured schemas (--check: exit 100 if stale)", runGenerate},
		"register": {"register the configured schemas in reference order (--dry-run: print the plan)", runRegister},
		"check":    {"check compatibility against a directory, a git ref or the registry", runCheck},
		"fetch":    {"write a registered schema and its references to files", runFetch},
		"config":   {"get or set the compatibility level and mode of a subject or the registry", runConfig},
		"dev":      {"run an embedded Kafka (3 brokers) and schema registry until interrupted", runDev},
		"produce":  {"produce JSON lines from stdin, validated against a subject's latest schema", runProduce},
		"version":  {"print the version", runVersion},
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
		usage(e.stdout)
		return ExitOK
	case "-version", "--version":
		args = append([]string{"version"}, args[1:]...)
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "schemagen: unknown command %q\n", args[0])
		usage(e.stderr)
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
	}
	return ExitError
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

// newFlags returns a command's flag set; errors go to stderr.
func newFlags(e *env, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: schemagen %s [flags] %s\n\nflags:\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags and positional arguments in any order.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &exitError{code: ExitUsage, err: err}
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
	opts := []registry.Opt{registry.URLs(urls...), registry.Logger(slog.New(slog.DiscardHandler)), registry.Retries(2)}
	switch {
	case token != "":
		opts = append(opts, registry.BearerToken(token))
	case user != "":
		opts = append(opts, registry.BasicAuth(user, pass))
	}
	return registry.New(opts...)
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
