package contract

import "google.golang.org/protobuf/proto"

// UsesGenerated reports whether ct checks m's buf.validate rules with m's
// generated BufValidate rather than protovalidate-go.
func UsesGenerated(ct *Contract, m proto.Message) bool {
	pv, ok := ct.pv.(*pvValidator)
	if !ok {
		return false
	}
	_, ok = pv.generated(m)
	return ok
}

// CheckSteps runs ct's Check on v with its walks' budget set to budget
// (the default when 0), and returns its error and the steps it took.
func CheckSteps(ct *Contract, v any, payload []byte, budget int) (err error, steps int) {
	r := ct.check(v, payload, budget)
	return r.result(), r.maxSteps
}
