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
