package protobuf

import "github.com/schemagen/schemagen/serde"

// fingerprint returns serde.Fingerprint of s, computed on first use: the
// value a generated type's SchemaFingerprint must return for its own
// Validate to stand in for this package's validator.
func (s *Compiled) fingerprint() string {
	s.fpOnce.Do(func() { s.fp = serde.Fingerprint(s) })
	return s.fp
}
