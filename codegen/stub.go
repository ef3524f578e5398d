package codegen

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/schemagen/schemagen/serde"
)

const (
	producerPkg = "github.com/schemagen/schemagen/producer"
	registryPkg = "github.com/schemagen/schemagen/registry"
	serdePkg    = "github.com/schemagen/schemagen/serde"
	protoSerde  = "github.com/schemagen/schemagen/serde/protobuf"
	avroSerde   = "github.com/schemagen/schemagen/serde/avro"
	jsonSerde   = "github.com/schemagen/schemagen/serde/jsonschema"
	compatPkg   = "github.com/schemagen/schemagen/registry/compat"
	contractPkg = "github.com/schemagen/schemagen/serde/contract"
)

// stubInfo is what the typed-producer stub of one entry needs.
type stubInfo struct {
	e          *Entry
	f          *goFile
	name       string // Go prefix of the stub's names, the root type's name
	valueType  string // Go type of values, in the package: *Order, Color
	recordName string // full record name, for the record subject strategies
	canonical  string
	fp         string
	refs       map[string]serde.Schema // every reference the compile asked for
	indexes    []int                   // Protobuf message-index path
	protoFile  string                  // Protobuf file name in the descriptor
}

// recorder is a Resolver that remembers what it resolved, so the stub can
// embed every referenced text and compile offline.
type recorder struct {
	r    serde.Resolver
	seen map[string]serde.Schema
}

func newRecorder(r serde.Resolver) *recorder {
	if r == nil {
		r = serde.MapResolver{}
	}
	return &recorder{r: r, seen: map[string]serde.Schema{}}
}

func (r *recorder) Resolve(ctx context.Context, ref serde.Reference) (serde.Schema, error) {
	s, err := r.r.Resolve(ctx, ref)
	if err == nil {
		r.seen[ref.Name] = s
	}
	return s, err
}

func (g *generator) addStub(s *stubInfo) error {
	// The same type on a second topic (or as key and value): prefix the
	// stub's names with the topic, and the role if need be.
	if _, taken := g.names[s.name+"Schema"]; taken {
		s.name = goName(s.e.Topic) + s.name
		if _, taken := g.names[s.name+"Schema"]; taken {
			s.name = goName(s.e.Role.String()) + s.name
		}
	}
	suffixes := []string{"Schema", "Fingerprint", "Side"}
	if s.e.Schema.RuleSet != nil {
		suffixes = append(suffixes, "RuleSet")
	}
	if s.e.Schema.Metadata != nil {
		suffixes = append(suffixes, "Metadata")
	}
	for _, suffix := range suffixes {
		if err := g.declare(s.name+suffix, entryName(s.e)); err != nil {
			return err
		}
	}
	g.stubsIn = append(g.stubsIn, s)
	return nil
}

// stubs writes the stub of every entry: constants and the Side for every
// entry, and for value entries the Spec and the constructor, with the key
// entry of the same topic, if the package has one, as the key.
func (g *generator) stubs() error {
	keys := map[string]*stubInfo{}
	for _, s := range g.stubsIn {
		if s.e.Role == serde.Key {
			if prev, ok := keys[s.e.Topic]; ok {
				return fmt.Errorf("%w: topic %s has two key schemas (%s and %s)", ErrGenerate, s.e.Topic, entryName(prev.e), entryName(s.e))
			}
			keys[s.e.Topic] = s
		}
	}
	for _, s := range g.stubsIn {
		g.writeSide(s)
		if err := g.declare("New"+s.name+"Decoder", entryName(s.e)); err != nil {
			return fmt.Errorf("%w: %w", ErrGenerate, err)
		}
		g.writeDecoder(s)
		if s.e.Role == serde.Value {
			if err := g.declare("New"+s.name+"Producer", entryName(s.e)); err != nil {
				return fmt.Errorf("%w: %w", ErrGenerate, err)
			}
			if err := g.declare(s.name+"Spec", entryName(s.e)); err != nil {
				return fmt.Errorf("%w: %w", ErrGenerate, err)
			}
			g.writeSpec(s, keys[s.e.Topic])
		}
	}
	return nil
}

func (g *generator) writeSide(s *stubInfo) {
	f, e := s.f, s.e
	P := f.S
	if f.stub.Len() == 0 {
		P("// Generated code needs this runtime or a newer one.")
		P("const _ = ", f.Q(producerPkg, "IsAtLeastVersion0_1_0"))
	}
	P()
	P("// ", s.name, "Schema is the normalized text of the ", e.Role, " schema of ", s.name, ":")
	P("// what the producer looks up, or registers, under its subject.")
	P("const ", s.name, "Schema = ", goString(s.canonical))
	P()
	P("// ", s.name, "Fingerprint is serde.Fingerprint of the compiled schema: the SHA-256")
	P("// of ", s.name, "Schema with every schema it references (and, for Protobuf, the")
	P("// message name), so a change in a reference changes it too.")
	P("const ", s.name, "Fingerprint = ", strconv.Quote(s.fp))
	P()
	if recv, ok := strings.CutPrefix(s.valueType, "*"); ok && e.Schema.Format == serde.JSON && !g.fpTypes[recv] {
		// The generated Validate stands in for the runtime's validator
		// only for the schema it was generated from (serde.Validatable).
		if g.fpTypes == nil {
			g.fpTypes = map[string]bool{}
		}
		g.fpTypes[recv] = true
		P("// SchemaFingerprint returns ", s.name, "Fingerprint: serde/jsonschema uses the")
		P("// generated Validate in place of its own validator only for that schema.")
		P("func (v *", recv, ") SchemaFingerprint() string { return ", s.name, "Fingerprint }")
		P()
	}
	if s.indexes != nil {
		ix := make([]string, len(s.indexes))
		for i, x := range s.indexes {
			ix[i] = strconv.Itoa(x)
		}
		P("// ", s.name, "MessageIndexes returns the message-index path of ", s.recordName, " in")
		P("// ", s.name, "Schema, written after the schema ID in every record.")
		P("func ", s.name, "MessageIndexes() []int { return []int{", strings.Join(ix, ", "), "} }")
		P()
	}
	g.writeContract(s)
	format := map[serde.Format]string{serde.Avro: "Avro", serde.Protobuf: "Protobuf", serde.JSON: "JSON"}[e.Schema.Format]
	if format == "" {
		format = "Avro"
	}
	P("// ", s.name, "Side returns the ", e.Role, " side of ", s.name, " for a producer.Spec:")
	if len(s.refs) > 0 {
		P("// the embedded schema (its references served from the embedded texts),")
	} else {
		P("// the embedded schema,")
	}
	P("//", subjectDoc(e), ". Its schema ID is found ", sourceDoc(e.IDSource), ";")
	P("// drift policy: ", driftName(e.Drift), ".")
	if e.Schema.RuleSet != nil || e.Schema.Metadata != nil {
		P("// The schema carries ", contractDoc(s), ": with no registry (a pinned ID) the")
		P("// producer enforces them; with one, the registered version's must be the same.")
	}
	P("func ", s.name, "Side() ", f.Q(producerPkg, "Side"), " {")
	P("return ", f.Q(producerPkg, "Side"), "{")
	P("Schema: ", f.Q(producerPkg, "SchemaSource"), "{")
	P("Local: ", f.Q(serdePkg, "Schema"), "{Format: ", f.Q(serdePkg, format), ", Text: ", s.name, "Schema", refList(f, e.Schema.References), contractFields(s), "},")
	if len(s.refs) > 0 {
		P("Resolver: ", f.Q(serdePkg, "MapResolver"), "{")
		for _, name := range sortedKeys(s.refs) {
			r := s.refs[name]
			rf := map[serde.Format]string{serde.Avro: "Avro", serde.Protobuf: "Protobuf", serde.JSON: "JSON"}[r.Format]
			if rf == "" {
				rf = format
			}
			P(strconv.Quote(name), ": {Format: ", f.Q(serdePkg, rf), ", Text: ", goString(r.Text), refList(f, r.References), "},")
		}
		P("},")
	}
	// The stub names its format's compiler, so a program links the formats
	// it uses and no others.
	switch {
	case e.Schema.Format == serde.JSON:
		P("Compile: ", f.Q(jsonSerde, "Compiler"), ",")
	case (e.Schema.Format == serde.Avro || e.Schema.Format == "") && len(g.avroSums) == 0:
		P("Compile: ", f.Q(avroSerde, "Compiler"), ",")
	}
	if (e.Schema.Format == serde.Avro || e.Schema.Format == "") && len(g.avroSums) > 0 {
		// hamba/avro resolves union branches by name through a registry
		// private to the compiled schema: register the generated types.
		P("Compile: func(ctx ", f.Q("context", "Context"), ", s ", f.Q(serdePkg, "Schema"), ", r ", f.Q(serdePkg, "Resolver"), ") (", f.Q(serdePkg, "Compiled"), ", error) {")
		P("c, err := ", f.Q(avroSerde, "Compile"), "(ctx, s, r)")
		P("if err != nil {")
		P("return nil, err")
		P("}")
		P("c.UseSums(map[string]any{")
		for _, full := range sortedKeys(g.avroNamed) {
			P(strconv.Quote(full), ": *new(", g.avroNamed[full], "),")
		}
		var sums []string
		for _, sum := range g.avroSums {
			sums = append(sums, "(*"+sum+")(nil)")
		}
		P("}, ", strings.Join(sums, ", "), ")")
		P("return c, nil")
		P("},")
	}
	if e.Schema.Format == serde.Protobuf {
		P("Compile: func(ctx ", f.Q("context", "Context"), ", s ", f.Q(serdePkg, "Schema"), ", r ", f.Q(serdePkg, "Resolver"), ") (", f.Q(serdePkg, "Compiled"), ", error) {")
		P("return ", f.Q(protoSerde, "Compile"), "(ctx, s, r, ", f.Q(protoSerde, "FileName"), "(", strconv.Quote(s.protoFile), "), ",
			f.Q(protoSerde, "MessageName"), "(", strconv.Quote(s.recordName), "))")
		P("},")
	}
	P("},")
	if e.Subject != "" {
		P("Subject: ", strconv.Quote(e.Subject), ",")
	}
	if st := strategyIdent(e.SubjectStrategy); st != "" {
		P("Strategy: ", f.Q(registryPkg, st), ",")
	}
	if s.recordName != "" {
		P("RecordName: ", strconv.Quote(s.recordName), ",")
	}
	if src := sourceExpr(f, e.IDSource); src != "" {
		P("IDSource: ", src, ",")
	}
	if e.Drift == "allow_if_compatible" {
		// The checker is injected: only producers with this policy link
		// the compatibility checkers.
		P("Drift: ", f.Q(registryPkg, "DriftAllowIfCompatible"), "(", f.Q(compatPkg, "CanRead"), "),")
	} else {
		P("Drift: ", f.Q(registryPkg, driftIdent(e.Drift)), ",")
	}
	P("}")
	P("}")
}

// writeDecoder writes the typed decoder of the side: records read back
// into the generated type, whatever compatible version wrote them.
func (g *generator) writeDecoder(s *stubInfo) {
	f, e := s.f, s.e
	P := f.S
	role := "Value"
	if e.Role == serde.Key {
		role = "Key"
	}
	dec := f.Q(producerPkg, "Decoder") + "[" + s.valueType + "]"
	P()
	P("// New", s.name, "Decoder returns a decoder of record ", strings.ToLower(role), "s into ", s.valueType, ": it")
	P("// fetches the writer's schema by the record's schema ID or GUID (once per")
	P("// schema) and reads it with ", s.name, "Schema, so records written with an")
	P("// earlier compatible version decode too.")
	P("func New", s.name, "Decoder(ctx ", f.Q("context", "Context"), ", reg *", f.Q(registryPkg, "Client"), ") (*", dec, ", error) {")
	P("return ", f.Q(producerPkg, "NewDecoder"), "[", s.valueType, "](ctx, reg, ", s.name, "Side(), ", f.Q(serdePkg, role), ")")
	P("}")
}

func refList(f *goFile, refs []serde.Reference) string {
	if len(refs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(", References: []" + f.Q(serdePkg, "Reference") + "{")
	for _, r := range refs {
		fmt.Fprintf(&b, "{Name: %s, Subject: %s, Version: %d}, ", strconv.Quote(r.Name), strconv.Quote(r.Subject), r.Version)
	}
	b.WriteString("}")
	return b.String()
}

func (g *generator) writeSpec(s *stubInfo, key *stubInfo) {
	f, e := s.f, s.e
	P := f.S
	typeParams, keyType := "[K string | []byte]", "K"
	if key != nil {
		typeParams, keyType = "", key.valueType
	}
	spec := f.Q(producerPkg, "Spec") + "[" + keyType + ", " + s.valueType + "]"
	inst := ""
	if key == nil {
		inst = "[K]"
	}
	P()
	P("// ", s.name, "Spec returns the producer.Spec of ", s.valueType, " values to topic ", strconv.Quote(e.Topic), ":")
	P("// values as ", s.name, "Side says,")
	if key != nil {
		P("// keys (", key.valueType, ") as ", key.name, "Side says.")
	} else {
		P("// keys sent as they are (string or []byte, nil for no key).")
	}
	P("// Change any field before passing the Spec to producer.NewTyped.")
	P("func ", s.name, "Spec", typeParams, "() ", spec, " {")
	if key != nil {
		P("key := ", key.name, "Side()")
	}
	P("return ", spec, "{")
	P("Topic: ", strconv.Quote(e.Topic), ",")
	P("Value: ", s.name, "Side(),")
	if key != nil {
		P("Key: &key,")
	}
	P("Framing: ", f.Q(serdePkg, framingIdent(e.Framing)), ",")
	P("}")
	P("}")
	P()
	P("// New", s.name, "Producer returns a typed producer of ", s.valueType, " values over p,")
	P("// bound as ", s.name, "Spec says. It fails at once if the schema cannot be")
	P("// bound to its subject.")
	P("func New", s.name, "Producer", typeParams, "(ctx ", f.Q("context", "Context"), ", p *", f.Q(producerPkg, "Producer"), ") (*",
		f.Q(producerPkg, "Typed"), "[", keyType, ", ", s.valueType, "], error) {")
	P("return ", f.Q(producerPkg, "NewTyped"), "(ctx, p, ", s.name, "Spec", inst, "())")
	P("}")
}

func subjectDoc(e *Entry) string {
	if e.Subject != "" {
		return " under subject " + strconv.Quote(e.Subject)
	}
	switch e.SubjectStrategy {
	case "record":
		return " under the record-name subject"
	case "topic_record":
		return " under the topic-record-name subject"
	}
	return " under subject " + strconv.Quote(e.Topic+"-"+e.Role.String())
}

func strategyIdent(s string) string {
	switch s {
	case "record":
		return "RecordName"
	case "topic_record":
		return "TopicRecordName"
	}
	return ""
}

func sourceDoc(s string) string {
	switch s {
	case "latest":
		return "as the subject's latest version\n// (registry.UseLatest)"
	case "register":
		return "by registering the schema\n// (registry.AutoRegister)"
	}
	return "by looking the schema up under its subject\n// (registry.LookupBySchema: the producer never registers)"
}

func sourceExpr(f *goFile, s string) string {
	switch s {
	case "latest":
		return f.Q(registryPkg, "UseLatest") + "(nil)"
	case "register":
		return f.Q(registryPkg, "AutoRegister") + "()"
	}
	return "" // nil: LookupBySchema, or PinID with a pinned SchemaID
}

func driftName(d string) string {
	if d == "" {
		return "fail"
	}
	return d
}

func driftIdent(d string) string {
	switch d {
	case "warn":
		return "DriftWarn"
	}
	return "DriftFail"
}

func framingIdent(fr serde.Framing) string {
	switch fr {
	case serde.FrameGUIDPrefix:
		return "FrameGUIDPrefix"
	case serde.FrameHeader:
		return "FrameHeader"
	}
	return "FramePrefix"
}

// checkEntry validates the entry's policy strings.
func checkEntry(e *Entry) error {
	switch e.Drift {
	case "", "fail", "warn", "allow_if_compatible":
	default:
		return fmt.Errorf("drift %q is not fail, warn or allow_if_compatible", e.Drift)
	}
	switch e.IDSource {
	case "", "lookup", "latest", "register":
	default:
		return fmt.Errorf("id source %q is not lookup, latest or register", e.IDSource)
	}
	switch e.SubjectStrategy {
	case "", "topic", "record", "topic_record":
	default:
		return fmt.Errorf("subject strategy %q is not topic, record or topic_record", e.SubjectStrategy)
	}
	return nil
}

// This file writes an entry's data contract into its generated package:
// the rule set and metadata (Confluent's RuleSet and Metadata, from the
// config's rule_set: and metadata: files or the registered version) as Go
// values next to the schema text, and the rule engine's import when the
// schema has anything to enforce, so that a producer with a pinned ID and
// no registry enforces the contract as one bound through the registry
// does.

// writeContract writes <Name>RuleSet and <Name>Metadata, and imports the
// rule engine when the schema has a contract.
func (g *generator) writeContract(s *stubInfo) {
	f, e := s.f, s.e
	P := f.S
	if rs := e.Schema.RuleSet; rs != nil {
		P("// ", s.name, "RuleSet returns the rule set of ", s.name, "Schema (Confluent's RuleSet):")
		P("// the domain rules a producer enforces on every record, and the rules it")
		P("// keeps without enforcing (migration, encoding, transforms).")
		P("func ", s.name, "RuleSet() *", f.Q(serdePkg, "RuleSet"), " {")
		P("return &", f.Q(serdePkg, "RuleSet"), "{")
		writeRules(f, "MigrationRules", rs.MigrationRules)
		writeRules(f, "DomainRules", rs.DomainRules)
		writeRules(f, "EncodingRules", rs.EncodingRules)
		if rs.EnableAt != "" {
			P("EnableAt: ", strconv.Quote(rs.EnableAt), ",")
		}
		P("}")
		P("}")
		P()
	}
	if md := e.Schema.Metadata; md != nil {
		P("// ", s.name, "Metadata returns the metadata of ", s.name, "Schema (Confluent's Metadata):")
		P("// tags by field-name pattern, which CEL_FIELD rules select fields by.")
		P("func ", s.name, "Metadata() *", f.Q(serdePkg, "Metadata"), " {")
		P("return &", f.Q(serdePkg, "Metadata"), "{")
		if len(md.Tags) > 0 {
			P("Tags: map[string][]string{")
			for _, k := range sortedKeys(md.Tags) {
				P(strconv.Quote(k), ": ", strings.TrimPrefix(stringList(md.Tags[k]), "[]string"), ",")
			}
			P("},")
		}
		if len(md.Properties) > 0 {
			P("Properties: ", stringMap(md.Properties), ",")
		}
		if len(md.Sensitive) > 0 {
			P("Sensitive: ", stringList(md.Sensitive), ",")
		}
		P("}")
		P("}")
		P()
	}
	if hasContract(e, s.refs) {
		f.Blank(contractPkg)
	}
}

// hasContract reports whether a producer of e's schema has rules to
// enforce, and so needs the rule engine linked: a rule set or metadata,
// inline confluent:rules, Confluent's meta.proto options (whose rules are
// inline rules), buf.validate constraints (in the schema or a reference).
func hasContract(e *Entry, refs map[string]serde.Schema) bool {
	if e.Schema.RuleSet != nil || e.Schema.Metadata != nil {
		return true
	}
	texts := []string{e.Schema.Text}
	for _, r := range refs {
		texts = append(texts, r.Text)
	}
	for _, t := range texts {
		if strings.Contains(t, "confluent:rules") || strings.Contains(t, "buf/validate/validate.proto") || strings.Contains(t, "confluent/meta.proto") {
			return true
		}
	}
	return false
}

func writeRules(f *goFile, field string, rules []serde.Rule) {
	if len(rules) == 0 {
		return
	}
	P := f.S
	P(field, ": []", f.Q(serdePkg, "Rule"), "{")
	for _, r := range rules {
		var parts []string
		add := func(k, v string) {
			if v != "" {
				parts = append(parts, k+": "+strconv.Quote(v))
			}
		}
		add("Name", r.Name)
		add("Doc", r.Doc)
		add("Kind", r.Kind)
		add("Mode", r.Mode)
		add("Type", r.Type)
		if len(r.Tags) > 0 {
			parts = append(parts, "Tags: "+stringList(r.Tags))
		}
		if len(r.Params) > 0 {
			parts = append(parts, "Params: "+stringMap(r.Params))
		}
		add("Expr", r.Expr)
		add("OnSuccess", r.OnSuccess)
		add("OnFailure", r.OnFailure)
		if r.Disabled {
			parts = append(parts, "Disabled: true")
		}
		P("{", strings.Join(parts, ", "), "},")
	}
	P("},")
}

func stringList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return "[]string{" + strings.Join(q, ", ") + "}"
}

func stringMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	kv := make([]string, len(keys))
	for i, k := range keys {
		kv[i] = strconv.Quote(k) + ": " + strconv.Quote(m[k])
	}
	return "map[string]string{" + strings.Join(kv, ", ") + "}"
}

// contractFields is the RuleSet and Metadata fields of the stub's
// serde.Schema literal.
func contractFields(s *stubInfo) string {
	var b strings.Builder
	if s.e.Schema.RuleSet != nil {
		b.WriteString(", RuleSet: " + s.name + "RuleSet()")
	}
	if s.e.Schema.Metadata != nil {
		b.WriteString(", Metadata: " + s.name + "Metadata()")
	}
	return b.String()
}

// contractDoc names what the stub's schema carries, for its doc comment.
func contractDoc(s *stubInfo) string {
	switch {
	case s.e.Schema.RuleSet != nil && s.e.Schema.Metadata != nil:
		return s.name + "RuleSet and " + s.name + "Metadata"
	case s.e.Schema.RuleSet != nil:
		return s.name + "RuleSet"
	}
	return s.name + "Metadata"
}
