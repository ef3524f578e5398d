package avro

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/hamba/avro/v2"
	"github.com/hamba/avro/v2/pkg/crc64"
	"github.com/modern-go/reflect2"

	"github.com/schemagen/schemagen/serde"
)

// Compiled is a compiled Avro schema. It implements serde.Compiled and is safe
// for concurrent use.
type Compiled struct {
	src serde.Schema

	fpOnce sync.Once // guards fp, see fingerprint
	fp     string

	sch        avro.Schema
	api        avro.API
	pcf        string
	normalized string
	fpText     string // see FingerprintText
	cfg        config
	root       *node

	typePlans sync.Map // reflect.Type -> *typePlan
	last      atomic.Pointer[typePlan]

	writers sync.Pool // *avro.Writer
	readers sync.Pool // *avro.Reader
	work    sync.Pool // *workspace
}

var _ serde.Compiled = (*Compiled)(nil)

// maxCodecWork bounds the work estimate of parsingCanonicalForm: about a
// gigabyte of copying, a fraction of a second. Real schemas stay far below
// it (an enum of 5,000 symbols costs about 0.3% of it).
const maxCodecWork = 1 << 30

func newSchema(src serde.Schema, sch avro.Schema, refTop map[string]bool, cfg config) (*Compiled, error) {
	pcf, work := parsingCanonicalForm(sch)
	if work > maxCodecWork {
		return nil, fmt.Errorf("avro: %w: schema too wide: its records, enums or unions have so many members that the codec's fingerprinting would copy about %d MiB", serde.ErrLimit, work>>20)
	}
	s := &Compiled{
		src:        src,
		sch:        sch,
		pcf:        pcf,
		normalized: normalizedForm(sch, refTop),
		cfg:        cfg,
	}
	s.fpText = s.normalized
	if len(refTop) > 0 {
		// The normalized form names referenced types only; the expanded
		// form writes each in full where it is first used.
		s.fpText = normalizedForm(sch, nil)
	}
	// hamba fingerprints the schema on first use; pay for it here, once.
	_ = sch.Fingerprint()
	s.api = avro.Config{
		TagKey:            "avro",
		BlockLength:       100,
		MaxByteSliceSize:  cfg.maxDecodeBytes,
		MaxSliceAllocSize: cfg.maxDecodeItems,
	}.Freeze()
	s.work.New = func() any {
		return &workspace{w: avro.NewWriter(nil, 512, avro.WithWriterConfig(s.api))}
	}
	s.readers.New = func() any { return avro.NewReader(nil, 0, avro.WithReaderConfig(s.api)) }
	s.writers.New = func() any { return avro.NewWriter(nil, 512, avro.WithWriterConfig(s.api)) }
	if err := s.init(); err != nil {
		return nil, err
	}
	return s, nil
}

// Avro returns the parsed hamba schema, for packages (compatibility checks,
// code generation) that walk the schema tree. Treat it as read-only.
func (s *Compiled) Avro() avro.Schema { return s.sch }

// Format reports serde.Avro.
func (s *Compiled) Format() serde.Format { return serde.Avro }

// Schema returns the text and references the schema was compiled from.
func (s *Compiled) Schema() serde.Schema { return s.src }

// Canonical returns the schema normalized the way Confluent Schema Registry
// normalizes Avro (normalize=true): the Parsing Canonical Form plus
// logicalType, precision and scale, doc, aliases (sorted), defaults, field
// order and custom properties (sorted). Two texts that differ only in
// whitespace, attribute order, namespace spelling or escapes give the same
// canonical text.
func (s *Compiled) Canonical() string { return s.normalized }

// FingerprintText returns the text serde.Fingerprint hashes: the
// normalized form with every referenced named type written in full where it
// is first used, so that the fingerprint changes when a reference does. For
// a schema without references it is Canonical.
func (s *Compiled) FingerprintText() string { return s.fpText }

// ParsingCanonicalForm returns the Avro specification's Parsing Canonical
// Form: what two schemas must share for one to read the other's bytes. It
// drops logical types, docs, aliases, defaults and custom properties.
func (s *Compiled) ParsingCanonicalForm() string { return s.pcf }

// FingerprintCRC64 returns the CRC-64-AVRO (Rabin) fingerprint of the
// Parsing Canonical Form, as the Avro specification defines it for
// single-object encoding.
func (s *Compiled) FingerprintCRC64() uint64 {
	h := crc64.New()
	_, _ = h.Write([]byte(s.pcf)) // hash writes never fail
	return h.Sum64()
}

// Decode decodes a bare Avro payload (no frame) into v, which must be a
// non-nil pointer: to a generated struct, or to any / map[string]any for
// generic values. The payload must hold exactly one value: truncated input
// and trailing bytes are errors (hamba's Unmarshal lets both pass). Bytes
// and string values larger than MaxDecodeBytes, blocks longer than
// MaxDecodeItems and payloads of more than MaxDecodeValues values are
// refused. Errors wrap serde.ErrDecode; hostile input
// never panics.
func (s *Compiled) Decode(data []byte, v any) (err error) {
	r := s.readers.Get().(*avro.Reader)
	defer func() {
		if rec := recover(); rec != nil {
			err = fmt.Errorf("avro: %w: codec panic: %v", serde.ErrDecode, rec)
		}
		r.Reset(nil)
		s.readers.Put(r)
	}()
	if v == nil {
		return fmt.Errorf("avro: %w: decode into nil", serde.ErrDecode)
	}
	{
		// Walk the bytes first, without allocating: hamba allocates a
		// string or bytes value at its claimed length before it notices the
		// input is shorter (a few bytes could cost MaxDecodeBytes), and its
		// decoder recurses once per level of a recursive schema with no
		// limit. The walk catches both.
		r.Reset(data)
		r.Error = nil
		left := int64(s.cfg.maxDecodeValues)
		if err := s.walk(s.root, r, 0, &left); err != nil {
			return err
		}
	}
	r.Reset(data)
	r.Error = nil
	r.ReadVal(s.sch, v)
	switch {
	case errors.Is(r.Error, io.EOF) || errors.Is(r.Error, io.ErrUnexpectedEOF):
		return fmt.Errorf("avro: %w: truncated input", serde.ErrDecode)
	case r.Error != nil:
		return fmt.Errorf("avro: %w: %v", serde.ErrDecode, r.Error)
	}
	if r.Peek(); r.Error == nil {
		return fmt.Errorf("avro: %w: trailing bytes after the value", serde.ErrDecode)
	}
	return nil
}

// encode runs hamba's encoder for v's type on a validated value and
// appends the bytes to dst.
func (s *Compiled) encode(dst []byte, p *typePlan, v any) (out []byte, err error) {
	w := s.writers.Get().(*avro.Writer)
	defer func() {
		if r := recover(); r != nil {
			out, err = dst, fmt.Errorf("avro: %w: codec panic: %v", serde.ErrEncode, r)
		}
		if cap(w.Buffer()) <= 64<<10 { // keep pooled buffers small
			s.writers.Put(w)
		}
	}()
	w.Reset(nil)
	w.Error = nil
	if p == nil {
		w.WriteVal(s.sch, v)
	} else {
		p.enc.Encode(reflect2.PtrOf(v), w)
	}
	if w.Error != nil {
		return dst, fmt.Errorf("avro: %w: %v", serde.ErrEncode, w.Error)
	}
	return append(dst, w.Buffer()...), nil
}
