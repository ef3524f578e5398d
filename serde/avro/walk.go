package avro

import (
	"errors"
	"fmt"
	"io"

	"github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/serde"
)

// walk skips over one encoded value of n without allocating, checking
// lengths against the input, counting how deep recursive records nest and
// how many values the whole payload holds (*left is what MaxDecodeValues
// still allows). Decode runs it before hamba.
func (s *Compiled) walk(n *node, r *avro.Reader, depth int, left *int64) error {
	if *left--; *left < 0 {
		return s.tooManyValues()
	}
	switch n.typ {
	case avro.Null:
	case avro.Boolean:
		r.SkipBool()
	case avro.Int, avro.Enum:
		r.SkipInt()
	case avro.Long:
		r.SkipLong()
	case avro.Float:
		r.SkipFloat()
	case avro.Double:
		r.SkipDouble()
	case avro.String:
		r.SkipString()
	case avro.Bytes:
		r.SkipBytes()
	case avro.Fixed:
		r.SkipNBytes(n.size)
	case avro.Array, avro.Map:
		elem := n.items
		if n.typ == avro.Map {
			elem = n.values
		}
		for {
			count, _ := r.ReadBlockHeader()
			if r.Error != nil || count == 0 {
				break
			}
			if count < 0 || count > int64(s.cfg.maxDecodeItems) {
				return fmt.Errorf("avro: %w: block of %d items, more than %d", serde.ErrDecode, count, s.cfg.maxDecodeItems)
			}
			if n.typ == avro.Array && (elem.typ == avro.Null || elem.typ == avro.Fixed && elem.size == 0) {
				// items take no bytes: count them without walking them
				if *left -= count; *left < 0 {
					return s.tooManyValues()
				}
				continue
			}
			for i := int64(0); i < count && r.Error == nil; i++ {
				if n.typ == avro.Map {
					r.SkipString()
				}
				if err := s.walk(elem, r, depth, left); err != nil {
					return err
				}
			}
		}
	case avro.Union:
		idx := r.ReadLong()
		if r.Error == nil && (idx < 0 || idx >= int64(len(n.types))) {
			return fmt.Errorf("avro: %w: union index %d out of range", serde.ErrDecode, idx)
		}
		if r.Error == nil {
			return s.walk(n.types[idx], r, depth, left)
		}
	case avro.Record:
		if n.recursive {
			depth++
			if depth > maxValueDepth {
				return fmt.Errorf("avro: %w: value nests deeper than %d records", serde.ErrDecode, maxValueDepth)
			}
		}
		for _, f := range n.fields {
			if err := s.walk(f.n, r, depth, left); err != nil {
				return err
			}
			if r.Error != nil {
				break
			}
		}
	}
	switch {
	case r.Error == nil:
		return nil
	case errors.Is(r.Error, io.EOF) || errors.Is(r.Error, io.ErrUnexpectedEOF):
		return fmt.Errorf("avro: %w: truncated input", serde.ErrDecode)
	}
	return fmt.Errorf("avro: %w: %v", serde.ErrDecode, r.Error)
}

func (s *Compiled) tooManyValues() error {
	return fmt.Errorf("avro: %w: payload holds more than %d values", serde.ErrDecode, s.cfg.maxDecodeValues)
}
