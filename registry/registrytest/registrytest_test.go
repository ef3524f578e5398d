package registrytest_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/schemagen/schemagen/registry/compat"
	"github.com/schemagen/schemagen/registry/registrytest"
	"github.com/schemagen/schemagen/registry/server"
)

const (
	userV1  = `{"type":"record","name":"User","fields":[{"name":"id","type":"long"}]}`
	userV2  = `{"type":"record","name":"User","fields":[{"name":"id","type":"long"},{"name":"email","type":"string","default":""}]}`
	userBad = `{"type":"record","name":"User","fields":[{"name":"id","type":"long"},{"name":"age","type":"int"}]}`
	order   = "syntax = \"proto3\";\npackage acme;\nmessage Order { int64 id = 1; }\n"
)

func client(t *testing.T, reg *registrytest.Server, opts ...sr.ClientOpt) *sr.Client {
	t.Helper()
	cl, err := sr.NewClient(append([]sr.ClientOpt{sr.URLs(reg.URL())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// code returns the registry error code in err, or 0.
func code(err error) int {
	var re *sr.ResponseError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return 0
}

// TestFranzGoClient drives the server with franz-go's sr.Client, the
// client package registry is built on.
func TestFranzGoClient(t *testing.T) {
	ctx := context.Background()
	reg := registrytest.New(t)
	cl := client(t, reg)

	ss, err := cl.CreateSchema(ctx, "users-value", sr.Schema{Schema: userV1})
	if err != nil {
		t.Fatalf("CreateSchema: %v", err)
	}
	if ss.ID != 1 || ss.Version != 1 || ss.Subject != "users-value" || ss.Schema.Schema != userV1 || ss.GUID == "" {
		t.Fatalf("CreateSchema = %+v", ss)
	}
	id, err := cl.RegisterSchema(ctx, "users-value", sr.Schema{Schema: userV2}, -1, -1)
	if err != nil || id != 2 {
		t.Fatalf("RegisterSchema = %d, %v", id, err)
	}
	pid, err := cl.RegisterSchema(ctx, "a/b.proto", sr.Schema{Schema: order, Type: sr.TypeProtobuf}, -1, -1)
	if err != nil || pid != 3 {
		t.Fatalf("RegisterSchema protobuf in a subject with a slash = %d, %v", pid, err)
	}

	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{name: "lookup", run: func(t *testing.T) {
			got, err := cl.LookupSchema(ctx, "users-value", sr.Schema{Schema: userV2})
			if err != nil || got.ID != 2 || got.Version != 2 {
				t.Fatalf("LookupSchema = %+v, %v", got, err)
			}
		}},
		{name: "lookup missing", run: func(t *testing.T) {
			_, err := cl.LookupSchema(ctx, "users-value", sr.Schema{Schema: `"string"`})
			if code(err) != sr.ErrSchemaNotFound.Code {
				t.Fatalf("LookupSchema of an unknown schema: %v", err)
			}
		}},
		{name: "schema by id", run: func(t *testing.T) {
			got, err := cl.SchemaByID(ctx, 3)
			if err != nil || got.Schema != order || got.Type != sr.TypeProtobuf {
				t.Fatalf("SchemaByID = %+v, %v", got, err)
			}
		}},
		{name: "schema text by id", run: func(t *testing.T) {
			got, err := cl.SchemaTextByID(ctx, 1)
			if err != nil || got != userV1+"\n" && got != userV1 {
				t.Fatalf("SchemaTextByID = %q, %v", got, err)
			}
		}},
		{name: "schema by guid", run: func(t *testing.T) {
			got, err := cl.SchemaByGUID(ctx, ss.GUID)
			if err != nil || got.ID != 1 || got.Schema.Schema != userV1 {
				t.Fatalf("SchemaByGUID = %+v, %v", got, err)
			}
		}},
		{name: "latest", run: func(t *testing.T) {
			got, err := cl.SchemaByVersion(ctx, "users-value", -1)
			if err != nil || got.Version != 2 || got.ID != 2 {
				t.Fatalf("SchemaByVersion(-1) = %+v, %v", got, err)
			}
		}},
		{name: "subjects", run: func(t *testing.T) {
			got, err := cl.Subjects(ctx)
			if err != nil || !slices.Equal(got, []string{"a/b.proto", "users-value"}) {
				t.Fatalf("Subjects = %v, %v", got, err)
			}
		}},
		{name: "versions", run: func(t *testing.T) {
			got, err := cl.SubjectVersions(ctx, "users-value")
			if err != nil || !slices.Equal(got, []int{1, 2}) {
				t.Fatalf("SubjectVersions = %v, %v", got, err)
			}
		}},
		{name: "schemas", run: func(t *testing.T) {
			got, err := cl.Schemas(ctx, "a/b.proto")
			if err != nil || len(got) != 1 || got[0].Type != sr.TypeProtobuf {
				t.Fatalf("Schemas = %+v, %v", got, err)
			}
		}},
		{name: "usages", run: func(t *testing.T) {
			got, err := cl.SchemaUsagesByID(ctx, 1)
			if err != nil || len(got) != 1 || got[0].Subject != "users-value" {
				t.Fatalf("SchemaUsagesByID = %+v, %v", got, err)
			}
		}},
		{name: "supported types", run: func(t *testing.T) {
			got, err := cl.SupportedTypes(ctx)
			if err != nil || len(got) != 3 {
				t.Fatalf("SupportedTypes = %v, %v", got, err)
			}
		}},
		{name: "compatibility", run: func(t *testing.T) {
			res, err := cl.CheckCompatibility(ctx, "users-value", -1, sr.Schema{Schema: userBad})
			if err != nil || res.Is {
				t.Fatalf("CheckCompatibility(incompatible) = %+v, %v", res, err)
			}
			res, err = cl.CheckCompatibility(ctx, "users-value", -2, sr.Schema{Schema: userV2})
			if err != nil || !res.Is {
				t.Fatalf("CheckCompatibility(compatible) = %+v, %v", res, err)
			}
		}},
		{name: "incompatible register", run: func(t *testing.T) {
			_, err := cl.CreateSchema(ctx, "users-value", sr.Schema{Schema: userBad})
			var re *sr.ResponseError
			// 40901, as Confluent 8.1+ answers; franz-go's
			// sr.ErrIncompatibleSchema still carries the older 409.
			if !errors.As(err, &re) || re.StatusCode != http.StatusConflict || re.ErrorCode != 40901 {
				t.Fatalf("CreateSchema(incompatible): %v", err)
			}
		}},
		{name: "invalid schema", run: func(t *testing.T) {
			_, err := cl.CreateSchema(ctx, "users-value", sr.Schema{Schema: `{"type":"nope"}`})
			if code(err) != sr.ErrInvalidSchema.Code {
				t.Fatalf("CreateSchema(invalid): %v", err)
			}
		}},
		{name: "config", run: func(t *testing.T) {
			set := cl.SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatFull}, "users-value")
			if set[0].Err != nil || set[0].Level != sr.CompatFull {
				t.Fatalf("SetCompatibility = %+v", set[0])
			}
			got := cl.Compatibility(ctx, "users-value")
			if got[0].Err != nil || got[0].Level != sr.CompatFull {
				t.Fatalf("Compatibility(subject) = %+v", got[0])
			}
			global := cl.Compatibility(ctx)
			if global[0].Err != nil || global[0].Level != sr.CompatBackward {
				t.Fatalf("Compatibility() = %+v", global[0])
			}
			unset := cl.Compatibility(sr.WithParams(ctx, sr.DefaultToGlobal), "a/b.proto")
			if unset[0].Err != nil || unset[0].Level != sr.CompatBackward {
				t.Fatalf("Compatibility(DefaultToGlobal) = %+v", unset[0])
			}
			reset := cl.ResetCompatibility(ctx, "users-value")
			if reset[0].Err != nil || reset[0].Level != sr.CompatFull {
				t.Fatalf("ResetCompatibility = %+v", reset[0])
			}
		}},
		{name: "mode", run: func(t *testing.T) {
			set := cl.SetMode(ctx, sr.ModeReadOnly, "users-value")
			if set[0].Err != nil || set[0].Mode != sr.ModeReadOnly {
				t.Fatalf("SetMode = %+v", set[0])
			}
			_, err := cl.CreateSchema(ctx, "users-value", sr.Schema{Schema: `{"type":"record","name":"User","fields":[]}`})
			_, lerr := cl.LookupSchema(ctx, "users-value", sr.Schema{Schema: userV1})
			reset := cl.ResetMode(ctx, "users-value")
			if reset[0].Err != nil || reset[0].Mode != sr.ModeReadOnly {
				t.Fatalf("ResetMode = %+v", reset[0])
			}
			if code(err) != sr.ErrOperationNotPermitted.Code {
				t.Fatalf("registering in READONLY: %v", err)
			}
			if lerr != nil {
				t.Fatalf("lookup in READONLY: %v", lerr)
			}
		}},
		{name: "delete", run: func(t *testing.T) {
			if err := cl.DeleteSchema(ctx, "users-value", 2, sr.HardDelete); code(err) != sr.ErrSchemaVersionNotSoftDeleted.Code {
				t.Fatalf("hard delete before soft delete: %v", err)
			}
			if err := cl.DeleteSchema(ctx, "users-value", 2, sr.SoftDelete); err != nil {
				t.Fatalf("DeleteSchema: %v", err)
			}
			if err := cl.DeleteSchema(ctx, "users-value", 2, sr.HardDelete); err != nil {
				t.Fatalf("DeleteSchema(hard): %v", err)
			}
			vs, err := cl.DeleteSubject(ctx, "users-value", sr.SoftDelete)
			if err != nil || !slices.Equal(vs, []int{1}) {
				t.Fatalf("DeleteSubject = %v, %v", vs, err)
			}
			if _, err := cl.SubjectVersions(ctx, "users-value"); code(err) != sr.ErrSubjectNotFound.Code {
				t.Fatalf("versions of a deleted subject: %v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.run)
	}
}

func TestFranzGoClientAuth(t *testing.T) {
	ctx := context.Background()
	reg := registrytest.New(t, server.BasicAuth("u", "p"), server.DefaultCompatibility(compat.None))
	tests := []struct {
		name string
		opts []sr.ClientOpt
		want int
	}{
		{name: "no credentials", want: 40101},
		{name: "wrong", opts: []sr.ClientOpt{sr.BasicAuth("u", "x")}, want: 40101},
		{name: "right", opts: []sr.ClientOpt{sr.BasicAuth("u", "p")}, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := client(t, reg, tt.opts...).Subjects(ctx)
			if code(err) != tt.want {
				t.Fatalf("Subjects: %v, want code %d", err, tt.want)
			}
		})
	}
}

func TestServerAccessor(t *testing.T) {
	reg := registrytest.New(t)
	if reg.Server() == nil || reg.URL() == "" {
		t.Fatal("no server or URL")
	}
}
