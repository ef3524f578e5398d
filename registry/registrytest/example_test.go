package registrytest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/schemagen/schemagen/registry/registrytest"
)

// In a test, registrytest.New starts a registry on a loopback port and
// closes it when the test ends; any Confluent client can use its URL.
func Example() {
	t := &testing.T{} // in a real test, the test's own t
	reg := registrytest.New(t)
	cl, err := sr.NewClient(sr.URLs(reg.URL()))
	if err != nil {
		panic(err)
	}
	ss, err := cl.CreateSchema(context.Background(), "users-value", sr.Schema{Schema: `"string"`})
	if err != nil {
		panic(err)
	}
	fmt.Println(ss.Subject, ss.Version, ss.ID)
	// Output:
	// users-value 1 1
}
