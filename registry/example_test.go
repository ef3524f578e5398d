package registry_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/schemagen/schemagen/registry"
	"github.com/schemagen/schemagen/serde"
)

// A producer binds its subject once, at start-up: here it registers its
// schema, and later binds to the latest version, failing if the local schema
// has drifted from it.
func Example() {
	fake := srfake.New() // a mock registry for the example; use your registry's URL
	defer fake.Close()

	ctx := context.Background()
	cl, err := registry.New(registry.URLs(fake.URL()), registry.Retries(2))
	if err != nil {
		panic(err)
	}

	user := serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"User","fields":[{"name":"id","type":"long"}]}`}
	subject, _ := registry.TopicName("users", serde.Value, "")

	ss, err := cl.Bind(ctx, subject, user, registry.AutoRegister(), registry.DriftFail)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s version %d, id %d\n", ss.Subject, ss.Version, ss.ID)

	// The same schema written differently has the same fingerprint: no drift.
	same := serde.Schema{Format: serde.Avro, Text: `{"name": "User", "type": "record", "fields": [{"type": "long", "name": "id"}]}`}
	ss, err = cl.Bind(ctx, subject, same, registry.UseLatest(nil), registry.DriftFail)
	fmt.Println(ss.ID, err)

	// A different schema is drift.
	other := serde.Schema{Format: serde.Avro, Text: `{"type":"record","name":"User","fields":[{"name":"id","type":"string"}]}`}
	_, err = cl.Bind(ctx, subject, other, registry.UseLatest(nil), registry.DriftFail)
	fmt.Println(errors.Is(err, registry.ErrDrift))

	_, err = cl.Latest(ctx, "orders-value")
	fmt.Println(errors.Is(err, registry.ErrSubjectNotFound))
	// Output:
	// users-value version 1, id 1
	// 1 <nil>
	// true
	// true
}
