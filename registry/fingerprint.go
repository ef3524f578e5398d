package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"

	"github.com/schemagen/schemagen/serde"
)

// canonical returns the normalized text of s, from its format package: the
// same schema written two ways gives the same text. References are resolved
// through c. The format's package must be linked in (serde.Compile): the
// registry client imports no format of its own.
func (c *Client) canonical(ctx context.Context, sctx string, s serde.Schema) (string, error) {
	cs, err := serde.Compile(ctx, s, c.ResolverIn(sctx))
	if err != nil {
		return "", err
	}
	return cs.Canonical(), nil
}

// fingerprint is the hex SHA-256 of s's normalized text, as
// serde.Fingerprint computes it for a compiled schema.
// Fingerprints are memoized by the schema as written, so binding again
// compiles nothing. References resolve in schema context sctx, which is
// part of the memo's key: the same text with the same references names
// other schemas in another context.
func (c *Client) fingerprint(ctx context.Context, sctx string, s serde.Schema) (string, error) {
	raw := normContext(sctx) + "\x00" + rawKey(s)
	c.cache.mu.RLock()
	fp, ok := c.cache.fpByText[raw]
	c.cache.mu.RUnlock()
	if ok {
		return fp, nil
	}
	text, err := c.canonical(ctx, sctx, s)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(text))
	fp = hex.EncodeToString(sum[:])
	c.cache.mu.Lock()
	c.cache.fpByText[raw] = fp
	c.cache.mu.Unlock()
	return fp, nil
}

// rawKey identifies s exactly as written, references included.
func rawKey(s serde.Schema) string {
	f, _ := serde.ParseFormat(string(s.Format))
	var b strings.Builder
	b.WriteString(string(f))
	b.WriteByte(0)
	b.WriteString(s.Text)
	for _, r := range s.References {
		b.WriteByte(0)
		b.WriteString(r.Name)
		b.WriteByte(0)
		b.WriteString(r.Subject)
		b.WriteByte(0)
		b.WriteString(strconv.Itoa(r.Version))
	}
	return b.String()
}

// schemaKey identifies s for the (subject, schema) cache: its format, its
// normalized fingerprint (its raw text when it does not compile) and its
// references, resolved in schema context sctx.
func (c *Client) schemaKey(ctx context.Context, sctx string, s serde.Schema) string {
	f, _ := serde.ParseFormat(string(s.Format))
	var b strings.Builder
	b.WriteString(string(f))
	b.WriteByte(0)
	if fp, err := c.fingerprint(ctx, sctx, s); err == nil {
		b.WriteString(fp)
	} else {
		b.WriteString("raw:")
		b.WriteString(s.Text)
	}
	refs := slices.Clone(s.References)
	slices.SortFunc(refs, func(a, b serde.Reference) int { return strings.Compare(a.Name, b.Name) })
	for _, r := range refs {
		b.WriteByte(0)
		b.WriteString(r.Name)
		b.WriteByte(0)
		b.WriteString(r.Subject)
		b.WriteByte(0)
		b.WriteString(strconv.Itoa(r.Version))
	}
	b.WriteString(contractKey(s))
	return b.String()
}

// sameRefs reports whether two reference lists name the same schemas.
func sameRefs(a, b []serde.Reference) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = slices.Clone(a), slices.Clone(b)
	cmp := func(x, y serde.Reference) int { return strings.Compare(x.Name, y.Name) }
	slices.SortFunc(a, cmp)
	slices.SortFunc(b, cmp)
	return slices.Equal(a, b)
}
