package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// validSubject refuses empty, over-long and non-UTF-8 subject names, and
// names with control, bidirectional-override or zero-width characters,
// which no Confluent subject needs and which make one name look like
// another.
func (s *Server) validSubject(subject string) *apiError {
	bad := func(why string) *apiError {
		return newAPIError(http.StatusUnprocessableEntity, CodeInvalidSubject, "subject %s is not a valid subject name: %s", quoteCut(subject, 64), why)
	}
	switch {
	case subject == "":
		return bad("empty")
	case len(subject) > s.cfg.maxSubjectBytes:
		return bad(fmt.Sprintf("%d bytes long, more than %d", len(subject), s.cfg.maxSubjectBytes))
	case !utf8.ValidString(subject):
		return bad("not UTF-8")
	}
	for _, r := range subject {
		switch {
		case unicode.IsControl(r):
			return bad(fmt.Sprintf("control character %U", r))
		case invisible(r):
			return bad(fmt.Sprintf("bidirectional or zero-width character %U", r))
		}
	}
	return nil
}

// invisible reports the bidirectional controls (embeddings, overrides,
// isolates, marks) and zero-width characters.
func invisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, // zero width space, non-joiner, joiner; LRM, RLM
		r >= 0x202A && r <= 0x202E, // LRE, RLE, PDF, LRO, RLO
		r >= 0x2060 && r <= 0x2064, // word joiner, invisible operators
		r >= 0x2066 && r <= 0x2069, // LRI, RLI, FSI, PDI
		r == 0x061C,                // Arabic letter mark
		r == 0xFEFF,                // zero width no-break space (BOM)
		r == 0x180E:                // Mongolian vowel separator
		return true
	}
	return false
}

// quoteCut quotes s, cut to at most n bytes (at a rune boundary).
func quoteCut(s string, n int) string {
	if len(s) <= n {
		return strconv.Quote(s)
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + fmt.Sprintf("... (%d bytes)", len(s))
}

// capMessage cuts an error message to MaxErrorItems lines and
// MaxErrorBytes bytes, saying how much was left out: a 1 MB invalid schema
// or a 40,000-key object must not come back as a 1 MB error.
func (s *Server) capMessage(msg string) string {
	if n := strings.Count(msg, "\n") + 1; n > s.cfg.maxErrorItems {
		lines := strings.SplitN(msg, "\n", s.cfg.maxErrorItems+1)
		msg = strings.Join(lines[:s.cfg.maxErrorItems], "\n") + fmt.Sprintf("\n... and %d more", n-s.cfg.maxErrorItems)
	}
	if len(msg) > s.cfg.maxErrorBytes {
		cut := s.cfg.maxErrorBytes
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + fmt.Sprintf("... (%d more bytes)", len(msg)-cut)
	}
	return msg
}

// capItems keeps the first MaxErrorItems messages, and no more than
// MaxErrorBytes of them in all (one message may be long: a finding quotes
// a path through the schema), and counts the rest.
func (s *Server) capItems(msgs []string) []string {
	total := 0
	for i, m := range msgs {
		total += len(m)
		if i == s.cfg.maxErrorItems || (total > s.cfg.maxErrorBytes && i > 0) {
			out := append([]string(nil), msgs[:i]...)
			return append(out, fmt.Sprintf("and %d more", len(msgs)-i))
		}
	}
	if len(msgs) == 1 && total > s.cfg.maxErrorBytes {
		return []string{s.capMessage(msgs[0])}
	}
	return msgs
}

// metadata is Confluent's Metadata: {tags, properties, sensitive}.
type metadata struct {
	Tags       map[string][]string `json:"tags"`
	Properties map[string]string   `json:"properties"`
	Sensitive  []string            `json:"sensitive"`
}

// ruleSet is Confluent's RuleSet.
type ruleSet struct {
	MigrationRules []rule `json:"migrationRules"`
	DomainRules    []rule `json:"domainRules"`
	EncodingRules  []rule `json:"encodingRules"`
	EnableAt       string `json:"enableAt"`
}

// rule is Confluent's Rule. Name and Type are pointers: Confluent tells a
// missing (or null) name or type from an empty one.
type rule struct {
	Name      *string           `json:"name"`
	Doc       string            `json:"doc"`
	Kind      string            `json:"kind"`
	Mode      string            `json:"mode"`
	Type      *string           `json:"type"`
	Tags      []string          `json:"tags"`
	Params    map[string]string `json:"params"`
	Expr      string            `json:"expr"`
	OnSuccess string            `json:"onSuccess"`
	OnFailure string            `json:"onFailure"`
	Disabled  bool              `json:"disabled"`
}

// validateMetadata checks that raw (compact JSON, or empty) has
// Confluent's Metadata shape and is at most max bytes. The shape bounds
// the nesting: no value is deeper than three levels. Confluent's Metadata
// has no validate method: the shape is all its registry checks.
func validateMetadata(raw []byte, max int) error {
	if len(raw) > max {
		return fmt.Errorf("%d bytes, more than %d", len(raw), max)
	}
	var m metadata
	return strictDecode(raw, &m)
}

// validateRuleSet checks that raw (compact JSON, or empty) has Confluent's
// RuleSet shape and is at most max bytes; those errors are plain (42201).
// Then checkRules checks the rules as Confluent's RuleSet.validate and
// Rule.validate do, and compiles the CEL rules; its errors are *ruleError
// (42210). enableAt is not checked: clients interpret it.
func validateRuleSet(raw []byte, max int, check, compileCEL bool) error {
	if len(raw) > max {
		return fmt.Errorf("%d bytes, more than %d", len(raw), max)
	}
	if len(raw) == 0 {
		return nil
	}
	var rs ruleSet
	if err := strictDecode(raw, &rs); err != nil {
		return err
	}
	if !check {
		return nil
	}
	return checkRules(&rs, raw, compileCEL)
}

// strictDecode decodes raw into v, refusing unknown fields, values of the
// wrong type and anything after the value.
func strictDecode(raw []byte, v any) error {
	if len(raw) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fmt.Errorf("%s: want %s, got JSON %s", te.Field, te.Type, te.Value)
		}
		return errors.New(cutText(err.Error(), 200))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the JSON value")
	}
	return nil
}

func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// String describes the server without its credentials.
func (s *Server) String() string {
	var b strings.Builder
	b.WriteString("server.Server{")
	if s.cfg.logFile != "" {
		fmt.Fprintf(&b, "log: %q, ", s.cfg.logFile)
	}
	if s.cfg.auth.on {
		fmt.Fprintf(&b, "auth: basic (user %q, password redacted), ", s.cfg.auth.user)
	}
	fmt.Fprintf(&b, "level: %s}", s.cfg.level)
	return b.String()
}

// GoString is String: %#v must not print the password either.
func (s *Server) GoString() string { return s.String() }

// Format prints String for every verb, so that no formatting of a Server
// shows its password.
func (s *Server) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", s.String())
		return
	}
	_, _ = io.WriteString(f, s.String())
}
