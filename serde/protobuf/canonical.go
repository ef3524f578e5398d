package protobuf

// Canonical returns the schema in canonical form.
func (s *Schema) Canonical() string {
	s.canonOnce.Do(func() { s.canon = s.src.Text })
	return s.canon
}
