package contract_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"buf.build/go/protovalidate"
	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/contract"
	"github.com/schemagen/schemagen/serde/protobuf"
)

// referenceDescriptor compiles the .proto the way a buf user's descriptor
// set reaches protovalidate-go: protocompile with the generated
// validate.proto, a FileDescriptorProto whose options are reparsed with the
// generated extension types, linked against the global registry. It shares
// no code with serde/protobuf's compile path.
func referenceDescriptor(t testing.TB, path, text string) protoreflect.FileDescriptor {
	t.Helper()
	comp := protocompile.Compiler{Resolver: protocompile.WithStandardImports(protocompile.ResolverFunc(func(p string) (protocompile.SearchResult, error) {
		switch p {
		case path:
			return protocompile.SearchResult{Source: stringReader(text)}, nil
		case "buf/validate/validate.proto":
			return protocompile.SearchResult{Desc: validate.File_buf_validate_validate_proto}, nil
		}
		return protocompile.SearchResult{}, protoregistry.NotFound
	}))}
	files, err := comp.Compile(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := proto.Marshal(protodesc.ToFileDescriptorProto(files[0]))
	if err != nil {
		t.Fatal(err)
	}
	fdp := &descriptorpb.FileDescriptorProto{}
	if err := (proto.UnmarshalOptions{Resolver: protoregistry.GlobalTypes}).Unmarshal(b, fdp); err != nil {
		t.Fatal(err)
	}
	fd, err := protodesc.NewFile(fdp, protoregistry.GlobalFiles)
	if err != nil {
		t.Fatal(err)
	}
	return fd
}

// validOrder fills an Order with values every constraint accepts.
func validOrder(rng *rand.Rand, m protoreflect.Message) {
	f := m.Descriptor().Fields()
	set := func(name string, v protoreflect.Value) { m.Set(f.ByName(protoreflect.Name(name)), v) }
	line := func(fd protoreflect.FieldDescriptor, l protoreflect.Message) protoreflect.Value {
		lf := l.Descriptor().Fields()
		l.Set(lf.ByName("sku"), protoreflect.ValueOfString(fmt.Sprintf("ABC-%d", rng.IntN(1000))))
		l.Set(lf.ByName("qty"), protoreflect.ValueOfUint32(uint32(1+rng.IntN(100))))
		l.Set(lf.ByName("price"), protoreflect.ValueOfFloat64(float64(rng.IntN(10000))/100))
		return protoreflect.ValueOfMessage(l)
	}
	set("id", protoreflect.ValueOfString(fmt.Sprintf("%08x-1c1d-4e5f-8a7b-6c5d4e3f2a1b", rng.Uint32())))
	if rng.IntN(2) == 0 {
		set("email", protoreflect.ValueOfString("ann@example.com"))
	}
	set("name", protoreflect.ValueOfString("ab"[:1]+"nnnnnnn"[:1+rng.IntN(7)]))
	set("total", protoreflect.ValueOfInt64(int64(3+rng.IntN(50))))
	set("priority", protoreflect.ValueOfInt32(int32(1+rng.IntN(3))))
	set("status", protoreflect.ValueOfEnum(protoreflect.EnumNumber(1+rng.IntN(2))))
	lines := m.Mutable(f.ByName("lines")).List()
	for n := 1 + rng.IntN(3); n > 0; n-- {
		lines.Append(line(f.ByName("lines"), lines.NewElement().Message()))
	}
	tags := m.Mutable(f.ByName("tags")).List()
	for n := rng.IntN(3); n > 0; n-- {
		tags.Append(protoreflect.ValueOfString(fmt.Sprintf("t-%d", n)))
	}
	set("primary", line(f.ByName("primary"), m.NewField(f.ByName("primary")).Message()))
	set("phone", protoreflect.ValueOfString("12345"))
	set("note", protoreflect.ValueOfString("ok"))
}

// mutate redraws one to three fields of m, at any depth, at random.
func mutate(rng *rand.Rand, m protoreflect.Message) {
	pick := func(xs ...any) any { return xs[rng.IntN(len(xs))] }
	for n := 1 + rng.IntN(3); n > 0; n-- {
		target := m
		if rng.IntN(4) == 0 {
			target = m.Mutable(m.Descriptor().Fields().ByName("primary")).Message()
		}
		fs := target.Descriptor().Fields()
		fd := fs.Get(rng.IntN(fs.Len()))
		switch {
		case rng.IntN(8) == 0:
			target.Clear(fd)
		case fd.IsList():
			target.Clear(fd)
			l := target.Mutable(fd).List()
			for k := rng.IntN(5); k > 0; k-- {
				l.Append(scalar(rng, fd, target, 2, pick))
			}
		case fd.IsMap():
			target.Clear(fd)
			mp := target.Mutable(fd).Map()
			for k := rng.IntN(4); k > 0; k-- {
				key := pick("", "a", "abc", "abcd").(string)
				mp.Set(protoreflect.ValueOfString(key).MapKey(), protoreflect.ValueOfInt32(pick(int32(-1), int32(0), int32(7)).(int32)))
			}
		default:
			target.Set(fd, scalar(rng, fd, target, 2, pick))
		}
	}
}

// genMessage fills m at random from values near the constraints' edges,
// valid and invalid.
func genMessage(rng *rand.Rand, m protoreflect.Message, depth int) {
	pick := func(xs ...any) any { return xs[rng.IntN(len(xs))] }
	fs := m.Descriptor().Fields()
	for i := 0; i < fs.Len(); i++ {
		fd := fs.Get(i)
		if rng.IntN(6) == 0 {
			continue // unset
		}
		if fd.ContainingOneof() != nil && rng.IntN(2) == 0 {
			continue
		}
		switch {
		case fd.IsList():
			l := m.Mutable(fd).List()
			for n := rng.IntN(5); n > 0; n-- {
				l.Append(scalar(rng, fd, m, depth, pick))
			}
		case fd.IsMap():
			mp := m.Mutable(fd).Map()
			for n := rng.IntN(4); n > 0; n-- {
				k := pick("", "a", "abc", "abcd").(string)
				mp.Set(protoreflect.ValueOfString(k).MapKey(), protoreflect.ValueOfInt32(pick(int32(-1), int32(0), int32(7)).(int32)))
			}
		default:
			m.Set(fd, scalar(rng, fd, m, depth, pick))
		}
	}
}

func scalar(rng *rand.Rand, fd protoreflect.FieldDescriptor, m protoreflect.Message, depth int, pick func(...any) any) protoreflect.Value {
	switch fd.Kind() {
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(pick("", "a", "ab", "abcdefgh", "abcdefghi", "ann@example.com", "not an email",
			"9b2f4e8a-3c1d-4e5f-8a7b-6c5d4e3f2a1b", "ABC-12", "abc-1", "t-x", "t-x", "x-t", "12345", "123456").(string))
	case protoreflect.Int32Kind:
		return protoreflect.ValueOfInt32(pick(int32(0), int32(1), int32(3), int32(4), int32(-1)).(int32))
	case protoreflect.Int64Kind:
		return protoreflect.ValueOfInt64(pick(int64(-1), int64(0), int64(1), int64(5)).(int64))
	case protoreflect.Uint32Kind:
		return protoreflect.ValueOfUint32(pick(uint32(0), uint32(1), uint32(100), uint32(101)).(uint32))
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64(pick(-0.5, 0.0, 9.99, math.Inf(1), math.NaN()).(float64))
	case protoreflect.BytesKind:
		return protoreflect.ValueOfBytes(make([]byte, rng.IntN(7)))
	case protoreflect.EnumKind:
		return protoreflect.ValueOfEnum(protoreflect.EnumNumber(rng.IntN(4)))
	case protoreflect.MessageKind:
		var sub protoreflect.Message
		if fd.IsList() {
			sub = m.Mutable(fd).List().NewElement().Message()
		} else {
			sub = m.NewField(fd).Message()
		}
		if depth < 3 {
			genMessage(rng, sub, depth+1)
		}
		return protoreflect.ValueOfMessage(sub)
	}
	panic(fmt.Sprintf("no generator for %v", fd.Kind()))
}

// verdicts is a message's violations as "path rule-id", sorted.
func refVerdicts(t testing.TB, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var ve *protovalidate.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("reference: %v", err)
	}
	var out []string
	for _, v := range ve.Violations {
		out = append(out, protovalidate.FieldPathString(v.Proto.GetField())+" "+v.Proto.GetRuleId())
	}
	slices.Sort(out)
	return out
}

func ourVerdicts(t testing.TB, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var out []string
	for _, v := range serde.Violations(err) {
		if !errors.Is(v, serde.ErrRule) {
			t.Fatalf("violation without ErrRule: %v", v)
		}
		out = append(out, v.Path+" "+v.Rule)
	}
	slices.Sort(out)
	return out
}

// TestDifferentialProtovalidate checks, on generated messages, that the
// contract's verdict on a schema compiled by serde/protobuf (with
// buf/validate/validate.proto built in) is protovalidate-go's verdict on
// the same bytes read with a descriptor built independently: same
// valid/invalid answer, same violations (field path and rule ID).
func TestDifferentialProtovalidate(t *testing.T) {
	text, err := os.ReadFile("testdata/differential.proto")
	if err != nil {
		t.Fatal(err)
	}
	const n = 400
	agree, valid, invalid, violations := differential(t, string(text), string(text), n)
	t.Logf("%d of %d messages agree: %d valid, %d invalid, %d violations", agree, n, valid, invalid, violations)
	if agree != n {
		t.Fatalf("%d of %d messages disagree", n-agree, n)
	}
	// Both verdicts must be well represented, or agreement proves little.
	if valid < n/10 || invalid < n/3 {
		t.Fatalf("generator skewed: %d valid, %d invalid", valid, invalid)
	}
}

// The comparison fires: with one constraint dropped from our copy of the
// schema, some messages disagree.
func TestDifferentialNegativeControl(t *testing.T) {
	text, err := os.ReadFile("testdata/differential.proto")
	if err != nil {
		t.Fatal(err)
	}
	weaker := strings.Replace(string(text), `[(buf.validate.field).string = {min_len: 2, max_len: 8}]`, "", 1)
	if weaker == string(text) {
		t.Fatal("constraint not found")
	}
	const n = 400
	if agree, _, _, _ := differential(t, string(text), weaker, n); agree == n {
		t.Fatal("all messages agree with a constraint dropped")
	}
}

// differential generates n messages and counts those on which the
// contract for oursText agrees with protovalidate-go on refText.
func differential(t *testing.T, refText, oursText string, n int) (agree, valid, invalid, violations int) {
	t.Helper()
	const path = "diff/v1/differential.proto"
	ref := referenceDescriptor(t, path, refText).Messages().ByName("Order")
	ours, err := protobuf.Compile(context.Background(), serde.Schema{Format: serde.Protobuf, Text: oursText}, nil,
		protobuf.FileName(path), protobuf.MessageName("diff.v1.Order"))
	if err != nil {
		t.Fatal(err)
	}
	ct, err := contract.New(ours, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	pv, err := protovalidate.New()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(10, 2026))
	for i := 0; i < n; i++ {
		rm := dynamicpb.NewMessage(ref)
		validOrder(rng, rm)
		// Most messages then get one to three fields redrawn from values
		// near the constraints' edges, some valid, some not.
		if rng.IntN(10) < 7 {
			mutate(rng, rm)
		}
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(rm)
		if err != nil {
			t.Fatal(err)
		}
		om := dynamicpb.NewMessage(ours.Message())
		if err := proto.Unmarshal(b, om); err != nil {
			t.Fatal(err)
		}
		want := refVerdicts(t, pv.Validate(rm))
		got := ourVerdicts(t, ct.Check(om, b))
		if slices.Equal(got, want) {
			agree++
		} else if testing.Verbose() {
			t.Logf("message %d (%x): ours %q, protovalidate-go %q", i, b, got, want)
		}
		if want == nil {
			valid++
		} else {
			invalid++
			violations += len(want)
		}
	}
	return agree, valid, invalid, violations
}
