package registry

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/schemagen/schemagen/serde"
)

// NamedSchema is one schema of a reference graph for RegisterAll.
type NamedSchema struct {
	// Name is how other schemas reference this one: the Avro full name, the
	// .proto import path or the JSON Schema $ref. It may be empty for a
	// schema nothing references.
	Name string
	// Subject is where to register it. Empty means the ReferenceSubjects
	// strategy picks it from Name.
	Subject string
	// Schema is the schema. A reference with an empty Subject names another
	// entry by Name; RegisterAll fills in its subject and version. A
	// reference with a Subject is taken as registered already.
	Schema serde.Schema
}

// ReferenceSubjects sets how RegisterAll picks subjects for schemas without
// one, overriding the default DefaultReferenceSubject (the reference name).
func ReferenceSubjects(s ReferenceSubjectStrategy) RegisterOpt {
	return registerOpt(func(c *registerConfig) { c.refs = s })
}

// RegisterAll registers a graph of schemas that reference each other (Avro
// named types across files, .proto imports, JSON Schema $refs) in dependency
// order: every schema after the schemas it references, with its references
// pointing at the subjects and versions they were registered as. It returns
// the results in the order of schemas. A schema already registered is found,
// not registered again, so RegisterAll can be rerun. A cycle is an error
// wrapping ErrReferenceCycle; a reference to a name that is neither among
// schemas nor registered wraps serde.ErrReference.
func (c *Client) RegisterAll(ctx context.Context, schemas []NamedSchema, opts ...RegisterOpt) ([]SubjectSchema, error) {
	rc := registerConfig{refs: DefaultReferenceSubject}
	for _, o := range opts {
		o.applyRegister(&rc)
	}
	if rc.refs == nil {
		return nil, fmt.Errorf("registry: register all: nil reference subject strategy")
	}
	byName := make(map[string]int, len(schemas))
	for i, s := range schemas {
		if s.Name == "" {
			continue
		}
		if j, dup := byName[s.Name]; dup {
			return nil, fmt.Errorf("registry: register all: schemas %d and %d are both named %q", j, i, s.Name)
		}
		byName[s.Name] = i
	}

	var (
		results = make([]SubjectSchema, len(schemas))
		state   = make([]uint8, len(schemas)) // 0 new, 1 on the stack, 2 registered
		stack   []string
	)
	var visit func(i int) error
	visit = func(i int) error {
		switch state[i] {
		case 2:
			return nil
		case 1:
			at := slices.Index(stack, schemas[i].Name)
			return fmt.Errorf("registry: register all: %w: %s", ErrReferenceCycle, strings.Join(append(slices.Clone(stack[at:]), schemas[i].Name), " -> "))
		}
		state[i] = 1
		stack = append(stack, schemas[i].Name)
		s := schemas[i].Schema
		s.References = slices.Clone(s.References)
		for k, ref := range s.References {
			if ref.Subject != "" {
				continue
			}
			j, ok := byName[ref.Name]
			if !ok {
				return fmt.Errorf("registry: register all: %q: %w %q: not among the schemas and not registered", label(schemas[i], i), serde.ErrReference, ref.Name)
			}
			if err := visit(j); err != nil {
				return err
			}
			s.References[k].Subject, s.References[k].Version = results[j].Subject, results[j].Version
		}
		subject := schemas[i].Subject
		if subject == "" {
			var err error
			if subject, err = rc.refs(schemas[i].Name); err != nil {
				return err
			}
		}
		ss, err := c.register(ctx, subject, s, rc)
		if err != nil {
			return err
		}
		results[i] = ss
		state[i] = 2
		stack = stack[:len(stack)-1]
		return nil
	}
	for i := range schemas {
		if err := visit(i); err != nil {
			return nil, err
		}
	}
	return results, nil
}

func label(s NamedSchema, i int) string {
	switch {
	case s.Name != "":
		return s.Name
	case s.Subject != "":
		return s.Subject
	}
	return fmt.Sprintf("schema %d", i)
}
