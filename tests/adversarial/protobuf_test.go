package adversarial

import (
	"fmt"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/schemagen/schemagen/serde"
	"github.com/schemagen/schemagen/serde/protobuf"
)

const proto3 = "syntax = \"proto3\";\n"

func protoNested(depth int) string {
	var b strings.Builder
	b.WriteString(proto3)
	for i := range depth {
		fmt.Fprintf(&b, "message M%d {\n", i)
	}
	b.WriteString("int32 x = 1;\n")
	b.WriteString(strings.Repeat("}\n", depth))
	return b.String()
}

func protoImports(n int) hostile {
	refs := map[string]serde.Schema{}
	var b strings.Builder
	b.WriteString(proto3)
	for i := range n {
		name := fmt.Sprintf("d%d.proto", i)
		refs[name] = serde.Schema{Format: serde.Protobuf, Text: proto3 + fmt.Sprintf("message D%d { int32 x = 1; }\n", i)}
		fmt.Fprintf(&b, "import %q;\n", name)
	}
	b.WriteString("message A { D0 d = 1; }\n")
	return hostile{schema: b.String(), refs: refs, noServer: true}
}

// deepMessage is n levels of field 1 of a message L { L n = 1; }, built
// inside out without copying.
func deepMessage(n int) []byte {
	lens := make([]int, n+1) // lens[k]: size of the message k levels from the bottom
	for k := 1; k <= n; k++ {
		lens[k] = 1 + protowire.SizeVarint(uint64(lens[k-1])) + lens[k-1]
	}
	b := make([]byte, 0, lens[n])
	for k := n; k >= 1; k-- {
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendVarint(b, uint64(lens[k-1]))
	}
	return b
}

func TestProtobuf(t *testing.T) {
	emptyMsgs := func(n int) []byte {
		var b []byte
		for range n {
			b = protowire.AppendTag(b, 1, protowire.BytesType)
			b = protowire.AppendVarint(b, 0)
		}
		return b
	}
	mapEntries := func(n int) []byte {
		var b []byte
		for i := range n {
			var e []byte
			e = protowire.AppendTag(e, 1, protowire.VarintType)
			e = protowire.AppendVarint(e, uint64(i))
			b = protowire.AppendTag(b, 1, protowire.BytesType)
			b = protowire.AppendBytes(b, e)
		}
		return b
	}
	packed := func(n int) []byte {
		var inner []byte
		for range n {
			inner = append(inner, 1)
		}
		return protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), inner)
	}
	big := proto3 + "package big;\nmessage Big {\n" + repeatJoin(3000, "", func(i int) string { return fmt.Sprintf("  int64 field_%d = %d;\n", i, i+1) }) + "}\n"
	fan := map[string]serde.Schema{"big.proto": {Format: serde.Protobuf, Text: big}}
	var fanMain strings.Builder
	fanMain.WriteString(proto3)
	for i := range 200 {
		name := fmt.Sprintf("u%d.proto", i)
		fan[name] = serde.Schema{Format: serde.Protobuf, Text: proto3 + fmt.Sprintf("import \"big.proto\";\nmessage U%d { big.Big b = 1; }\n", i),
			References: []serde.Reference{{Name: "big.proto", Subject: "big.proto", Version: 1}}}
		fmt.Fprintf(&fanMain, "import %q;\n", name)
	}
	fanMain.WriteString("message A {\n" + repeatJoin(200, "", func(i int) string { return fmt.Sprintf("  U%d u%d = %d;\n", i, i, i+1) }) + "}\n")
	wide := func(n int, opt string) string {
		return proto3 + "message W {\n" + repeatJoin(n, "", func(i int) string { return fmt.Sprintf("  int32 f%d = %d%s;\n", i, i+1, opt) }) + "}\n"
	}
	cases := []hostile{
		{name: "deep messages at protoc's limit", schema: protoNested(31), compile: accept},
		{name: "deep messages past protoc's limit", schema: protoNested(32), compile: refuse},
		{name: "deep messages past nesting limit", schema: protoNested(protobuf.DefaultMaxNesting + 1), compile: refuse},
		{name: "deep braces", schema: proto3 + strings.Repeat("message M {", maxInput/12), compile: refuse},
		{name: "wide message at declarations limit", schema: wide(protobuf.DefaultMaxDeclarations-1, ""), compile: accept, next: wide(protobuf.DefaultMaxDeclarations-1, " [deprecated = true]"),
			value: `{"f1":1,"f9998":2}`},
		{name: "wide message past declarations limit", schema: wide(protobuf.DefaultMaxDeclarations, ""), compile: refuse},
		{name: "wide enum", schema: proto3 + "enum E {\n" + repeatJoin(50000, "", func(i int) string { return fmt.Sprintf("  E_%d = %d;\n", i, i) }) + "}\nmessage M { E e = 1; }\n"},
		{name: "long line at limit", schema: proto3 + "message M {} // " + strings.Repeat("x", maxInput-len(proto3)-17) + "\n", compile: accept},
		{name: "long line past limit", schema: proto3 + "message M {} // " + strings.Repeat("x", maxInput) + "\n", compile: refuse},
		{name: "long identifier", schema: proto3 + "message " + strings.Repeat("a", maxInput-40) + " {}\n"},
		{name: "many imports at limit", compile: accept},
		{name: "many imports past limit", compile: refuse},
		{name: "import fan-out to one large file", schema: fanMain.String(), refs: fan, compile: accept, noServer: true},
		{name: "import cycle", schema: proto3 + "import \"c1.proto\";\nmessage A {}\n", compile: refuse, refs: map[string]serde.Schema{
			"c1.proto": {Format: serde.Protobuf, Text: proto3 + "import \"c2.proto\";\n", References: []serde.Reference{{Name: "c2.proto", Subject: "c2.proto", Version: 1}}},
			"c2.proto": {Format: serde.Protobuf, Text: proto3 + "import \"c1.proto\";\n", References: []serde.Reference{{Name: "c1.proto", Subject: "c1.proto", Version: 1}}},
		}},
		{name: "huge field numbers", schema: proto3 + "message M { int32 a = 536870911; int32 b = 99999999999999999999999; }\n", compile: refuse},
		{name: "huge numbers in options", schema: "syntax = \"proto2\";\nmessage M { optional double d = 1 [default = 1e99999]; optional int64 i = 2 [default = 99999999999999999999999]; }\n"},
		{name: "many reserved ranges", schema: proto3 + "message M {\n" + repeatJoin(30000, "", func(i int) string { return fmt.Sprintf("  reserved %d to %d;\n", 2*i+1, 2*i+1) }) + "}\n", compile: refuse},
		{name: "duplicate messages", schema: proto3 + strings.Repeat("message M { int32 x = 1; }\n", 30000), compile: refuse},
		{name: "duplicate fields", schema: proto3 + "message M {\n" + strings.Repeat("  int32 x = 1;\n", 60000) + "}\n", compile: refuse},
		{name: "empty messages payload", schema: proto3 + "message M { repeated E e = 1; }\nmessage E {}\n", compile: accept, payload: emptyMsgs(maxInput / 2)},
		{name: "deep recursive payload past protobuf-go's limit", schema: proto3 + "message L { L n = 1; }\n", compile: accept, payload: deepMessage(20000)},
		{name: "huge length prefix", schema: proto3 + "message M { bytes b = 1; }\n", compile: accept, payload: protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.BytesType), 1<<40)},
		{name: "packed million varints", schema: proto3 + "message M { repeated int32 x = 1; }\n", compile: accept, payload: packed(maxInput - 10)},
		{name: "map entries", schema: proto3 + "message M { map<int32, int32> m = 1; }\n", compile: accept, payload: mapEntries(200000)},
		{name: "deep JSON value", schema: proto3 + "message L { L n = 1; }\n", compile: accept, value: strings.Repeat(`{"n":`, 20000) + "{}" + strings.Repeat("}", 20000)},
		{name: "JSON many keys", schema: proto3 + "message M { map<string, int32> m = 1; }\n", compile: accept, value: `{"m":{` + repeatJoin(60000, ",", func(i int) string { return fmt.Sprintf(`"k%d":%d`, i, i) }) + `}}`},
		{name: "JSON duplicate keys", schema: proto3 + "message M { int32 x = 1; }\n", compile: accept, value: "{" + strings.Repeat(`"x":1,`, 100000) + `"x":1}`},
		{name: "JSON huge number", schema: proto3 + "message M { double d = 1; }\n", compile: accept, value: `{"d":1` + strings.Repeat("0", maxInput-20) + `}`},
	}
	for i := range cases {
		switch cases[i].name {
		case "many imports at limit":
			h := protoImports(protobuf.DefaultMaxImports)
			h.name, h.compile = cases[i].name, accept
			cases[i] = h
		case "many imports past limit":
			h := protoImports(protobuf.DefaultMaxImports + 1)
			h.name, h.compile = cases[i].name, refuse
			cases[i] = h
		}
		cases[i].format = serde.Protobuf
	}
	for _, h := range cases {
		t.Run(h.name, func(t *testing.T) { run(t, h) })
	}
}
