package jsonschema

import (
	"slices"
	"strconv"
	"strings"

	"github.com/schemagen/schemagen/serde"
)

// fingerprint returns serde.Fingerprint of s, computed on first use: the
// value a generated type's SchemaFingerprint must return for its own
// Validate to stand in for this package's validator.
func (s *Compiled) fingerprint() string {
	s.fpOnce.Do(func() { s.fp = serde.Fingerprint(s) })
	return s.fp
}

// FingerprintText returns the text serde.Fingerprint hashes: Canonical,
// then the canonical JSON of every other document the schema loaded to
// resolve its "$ref"s (transitively), in URL order, each after its URL.
// Canonical keeps a "$ref" as written, without what it points at. For a
// schema without external references it is Canonical.
func (s *Compiled) FingerprintText() string { return s.fpText }

// fingerprintText builds FingerprintText from the root's canonical text
// and the documents loaded while compiling it; the root's own entries
// (rootURL and its base URI) are left out.
func fingerprintText(root string, docs loadedDocs, base string) string {
	urls := make([]string, 0, len(docs))
	for u := range docs {
		if u != rootURL && u != base {
			urls = append(urls, u)
		}
	}
	if len(urls) == 0 {
		return root
	}
	slices.Sort(urls)
	var b strings.Builder
	b.WriteString(root)
	for _, u := range urls {
		b.WriteString("\n")
		b.WriteString(strconv.Quote(u))
		b.WriteString("\n")
		if d := docs[u]; d.Root != nil {
			b.WriteString(canonical(d.Root))
		} else {
			b.WriteString(d.Schema.Text)
		}
	}
	return b.String()
}
