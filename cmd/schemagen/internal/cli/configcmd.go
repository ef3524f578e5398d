package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/registry/compat"
)

func runConfig(e *env, args []string) error {
	fs := newFlags(e, "config", "")
	var c conn
	c.bind(fs, true)
	subject := fs.String("subject", "", "subject (default: the registry's global settings)")
	level := fs.String("compatibility", "", "set the compatibility level (NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE)")
	mode := fs.String("mode", "", "set the mode (READWRITE, READONLY, IMPORT)")
	output := fs.String("output", "text", "text or json")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := checkOutput(*output); err != nil {
		return err
	}
	var lv compat.Level
	if *level != "" {
		var err error
		if lv, err = compat.ParseLevel(*level); err != nil {
			return usageErr("--compatibility: %v", err)
		}
	}
	m := strings.ToUpper(*mode)
	switch m {
	case "", "READWRITE", "READONLY", "IMPORT":
	default:
		return usageErr("--mode %q: want READWRITE, READONLY or IMPORT", *mode)
	}
	cfg, err := e.loadConfig(&c, true)
	if err != nil {
		return err
	}
	cl, err := e.client(&c, cfg)
	if err != nil {
		return err
	}
	if lv != "" {
		if err := cl.SetCompatibility(e.ctx, *subject, string(lv)); err != nil {
			return err
		}
	}
	if m != "" {
		if err := cl.SetMode(e.ctx, *subject, m); err != nil {
			return err
		}
	}
	got, err := cl.Compatibility(e.ctx, *subject)
	if err != nil {
		return err
	}
	gotMode, err := cl.Mode(e.ctx, *subject)
	switch {
	case m == "" && errors.Is(err, registry.ErrUnsupported):
		// Asked only to read: a registry without modes (Apicurio) still
		// answers the compatibility part.
		gotMode = "unsupported"
	case err != nil:
		return err
	}
	if *output == "json" {
		return json.NewEncoder(e.stdout).Encode(map[string]string{"subject": *subject, "compatibility": string(got), "mode": gotMode})
	}
	where := "global"
	if *subject != "" {
		where = *subject
	}
	fmt.Fprintf(e.stdout, "%s: compatibility %s, mode %s\n", where, got, gotMode)
	return nil
}
