// Package registrytest starts schemagen's embedded schema registry
// (registry/server) for tests: on a loopback port, closed when the test
// ends.
//
//	func TestProduce(t *testing.T) {
//		reg := registrytest.New(t)
//		cl, err := sr.NewClient(sr.URLs(reg.URL()))
//		...
//	}
package registrytest
