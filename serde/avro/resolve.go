package avro

import (
	"errors"
	"fmt"
	"io"

	"github.com/hamba/avro/v2"

	"github.com/schemagen/schemagen/serde"
)

// Resolved decodes records written with one schema (the writer's) into
// values of another (the reader's), by Avro schema resolution: fields the
// writer lacks take the reader's defaults, fields the reader lacks are
// skipped, and promotions (int to long, and so on) apply. It is safe for
// concurrent use.
type Resolved struct {
	reader, writer *Compiled
	sch            avro.Schema // the composite schema; nil when writer and reader are the same
}

// Resolve returns the decoder of records written with writer into values of
// s. It fails, with an error wrapping serde.ErrSchemaMismatch, when s cannot
// read what writer wrote.
func (s *Compiled) Resolve(writer *Compiled) (*Resolved, error) {
	if writer == nil {
		return nil, fmt.Errorf("avro: %w: nil writer schema", serde.ErrSchemaMismatch)
	}
	if writer.pcf == s.pcf {
		return &Resolved{reader: s, writer: writer}, nil
	}
	sch, err := avro.NewSchemaCompatibility().Resolve(s.sch, writer.sch)
	if err != nil {
		return nil, fmt.Errorf("avro: %w: the reader schema cannot read the writer's: %v", serde.ErrSchemaMismatch, err)
	}
	return &Resolved{reader: s, writer: writer, sch: sch}, nil
}

// Decode decodes data, a bare payload written with the writer schema, into
// v, a pointer to a value of the reader schema. Errors wrap serde.ErrDecode.
func (r *Resolved) Decode(data []byte, v any) (err error) {
	if r.sch == nil {
		return r.reader.Decode(data, v)
	}
	if v == nil {
		return fmt.Errorf("avro: %w: decode into nil", serde.ErrDecode)
	}
	s := r.reader
	rd := s.readers.Get().(*avro.Reader)
	defer func() {
		if rec := recover(); rec != nil {
			err = fmt.Errorf("avro: %w: codec panic: %v", serde.ErrDecode, rec)
		}
		rd.Reset(nil)
		s.readers.Put(rd)
	}()
	// Walk the bytes with the writer's schema first, as Decode does: it
	// bounds lengths and depth before hamba allocates anything.
	rd.Reset(data)
	rd.Error = nil
	left := int64(r.writer.cfg.maxDecodeValues)
	if err := r.writer.walk(r.writer.root, rd, 0, &left); err != nil {
		return err
	}
	rd.Reset(data)
	rd.Error = nil
	rd.ReadVal(r.sch, v)
	switch {
	case errors.Is(rd.Error, io.EOF) || errors.Is(rd.Error, io.ErrUnexpectedEOF):
		return fmt.Errorf("avro: %w: truncated input", serde.ErrDecode)
	case rd.Error != nil:
		return fmt.Errorf("avro: %w: %v", serde.ErrDecode, rd.Error)
	}
	if rd.Peek(); rd.Error == nil {
		return fmt.Errorf("avro: %w: trailing bytes after the value", serde.ErrDecode)
	}
	return nil
}

// ResolveWriter is Resolve for a writer schema of any type: the seam
// producer.Decoder uses, so the producer package needs no Avro import. A
// writer that is not Avro is an error wrapping serde.ErrSchemaMismatch.
func (s *Compiled) ResolveWriter(writer serde.Compiled) (func(data []byte, v any) error, error) {
	w, ok := writer.(*Compiled)
	if !ok || w == nil {
		if writer == nil {
			return nil, fmt.Errorf("%w: nil writer schema", serde.ErrSchemaMismatch)
		}
		return nil, fmt.Errorf("avro: %w: the writer schema is %s, not Avro", serde.ErrSchemaMismatch, writer.Format())
	}
	r, err := s.Resolve(w)
	if err != nil {
		return nil, err
	}
	return r.Decode, nil
}
