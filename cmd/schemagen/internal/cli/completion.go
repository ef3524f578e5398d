package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
)

func runCompletion(e *env, args []string) error {
	fs := newFlags(e, "completion", "bash|zsh|fish")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("want one shell: bash, zsh or fish")
	}
	cmds := commandFlags()
	switch pos[0] {
	case "bash":
		writeBash(e.stdout, cmds)
	case "zsh":
		// zsh runs the bash function through bashcompinit.
		fmt.Fprintln(e.stdout, "#compdef schemagen\nautoload -U +X bashcompinit && bashcompinit")
		writeBash(e.stdout, cmds)
	case "fish":
		writeFish(e.stdout, cmds)
	default:
		return usageErr("unknown shell %q: want bash, zsh or fish", pos[0])
	}
	return nil
}

type cmdFlags struct {
	name, summary string
	flags         []string
}

// commandFlags lists every command with its flags, read from the
// command's own -h output, so completion never lags behind the flags.
func commandFlags() []cmdFlags {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []cmdFlags
	for _, n := range names {
		c := cmdFlags{name: n, summary: commands[n].summary}
		if n != "completion" {
			var buf bytes.Buffer
			e := &env{ctx: context.Background(), stdin: strings.NewReader(""), stdout: &buf, stderr: io.Discard, getenv: func(string) string { return "" }}
			commands[n].run(e, []string{"-h"})
			for _, line := range strings.Split(buf.String(), "\n") {
				if f, ok := strings.CutPrefix(line, "  -"); ok {
					c.flags = append(c.flags, "--"+strings.Fields(f)[0])
				}
			}
		}
		out = append(out, c)
	}
	return out
}

func writeBash(w io.Writer, cmds []cmdFlags) {
	names := make([]string, len(cmds))
	for i, c := range cmds {
		names[i] = c.name
	}
	fmt.Fprintf(w, `_schemagen() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "help %s" -- "$cur"))
    return
  fi
  local flags=""
  case "${COMP_WORDS[1]}" in
`, strings.Join(names, " "))
	for _, c := range cmds {
		if c.name == "completion" {
			fmt.Fprintf(w, "    completion) COMPREPLY=($(compgen -W \"bash zsh fish\" -- \"$cur\")); return ;;\n")
			continue
		}
		fmt.Fprintf(w, "    %s) flags=%q ;;\n", c.name, strings.Join(append(c.flags, "-h"), " "))
	}
	fmt.Fprint(w, `  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -F _schemagen schemagen
`)
}

func writeFish(w io.Writer, cmds []cmdFlags) {
	fmt.Fprintln(w, "complete -c schemagen -f -n __fish_use_subcommand -a help -d 'list the commands, or a command\\'s flags'")
	for _, c := range cmds {
		fmt.Fprintf(w, "complete -c schemagen -f -n __fish_use_subcommand -a %s -d %s\n", c.name, fishQuote(c.summary))
		for _, f := range c.flags {
			fmt.Fprintf(w, "complete -c schemagen -n '__fish_seen_subcommand_from %s' -l %s\n", c.name, strings.TrimPrefix(f, "--"))
		}
	}
	fmt.Fprintln(w, "complete -c schemagen -f -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'")
}

func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
