package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/serde"
)

// maxOldSchemaInMessage caps the old schema text quoted in a message, as
// Confluent truncates it.
const maxOldSchemaInMessage = 2000

// runCheck runs the checker. An error it returns is an invalid request
// (422), except when an existing version cannot be compiled any more (a
// reference that no longer resolves): Confluent's checkers turn that into
// an incompatibility, and so does this, naming the version.
func (s *Server) runCheck(ctx context.Context, subject string, level compat.Level, next serde.Schema, existing []compat.Version) (compat.Result, *apiError) {
	res, err := s.cfg.checker.Check(ctx, level, next, existing, s.resolver(contextOf(subject)))
	if err == nil {
		return res, nil
	}
	var broken []compat.Finding
	for _, v := range existing {
		if _, cerr := s.cfg.compile(ctx, v.Schema, s.resolver(contextOf(subject))); cerr != nil {
			broken = append(broken, compat.Finding{
				Rule:    "PREVIOUS_SCHEMA_UNREADABLE",
				Message: "unexpected exception during compatibility check: " + cerr.Error(),
				Version: v.Version,
			})
		}
	}
	if len(broken) > 0 {
		return compat.Result{Compatible: false, Findings: broken}, nil
	}
	return compat.Result{}, errInvalidSchema("invalid schema: compatibility check failed: %w", err)
}

// confluentMessages renders findings as Confluent's registry does in the
// compatibility endpoint's messages and in the 409 of a registration: per
// old version its differences ({errorType:..., description:...}), then
// {oldSchemaVersion: N} and {oldSchema: '...'}, and last
// {validateFields: 'false', compatibility: 'LEVEL'}. The descriptions are
// ours; the errorType values are Confluent's rule names.
func confluentMessages(level compat.Level, fs []compat.Finding, existing []compat.Version) []string {
	out := make([]string, 0, len(fs)+3)
	if len(fs) == 0 {
		return out
	}
	texts := map[int]string{}
	for _, v := range existing {
		texts[v.Version] = v.Schema.Text
	}
	for i, f := range fs {
		out = append(out, difference(f))
		if i+1 < len(fs) && fs[i+1].Version == f.Version {
			continue
		}
		if f.Version > 0 {
			out = append(out, fmt.Sprintf("{oldSchemaVersion: %d}", f.Version))
		}
		if t, ok := texts[f.Version]; ok {
			if len(t) > maxOldSchemaInMessage {
				out = append(out, "{oldSchema: <truncated> '"+t[:maxOldSchemaInMessage]+"...'}")
			} else {
				out = append(out, "{oldSchema: '"+t+"'}")
			}
		}
	}
	return append(out, fmt.Sprintf("{validateFields: 'false', compatibility: '%s'}", level))
}

// difference is one finding as Confluent's Difference.toString writes it.
func difference(f compat.Finding) string {
	desc := f.Message
	if f.Path != "" {
		desc = "at '" + f.Path + "': " + desc
	}
	return fmt.Sprintf("{errorType:'%s', description:'%s', additionalInfo:'%s'}", f.Rule, desc, f.Path)
}

// errIncompatible is the 409 of a registration that breaks compatibility.
func errIncompatible(subject string, msgs []string) *apiError {
	return &apiError{
		status: http.StatusConflict,
		code:   CodeIncompatibleSchema,
		msg: fmt.Sprintf("schema being registered is incompatible with an earlier schema for subject %q, details: [%s]",
			subject, strings.Join(msgs, ", ")),
	}
}
