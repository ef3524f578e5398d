package jsonschema

import (
	"unsafe"

	js "github.com/santhosh-tekuri/jsonschema/v5"
)

// The format checks generated encoders call (codegen's AppendJSON): the
// fast acceptor of the format first, without allocating, then, for a
// string it does not accept, the library's own check (jsonschema.Formats,
// which serde/jsonschema and the generated Validate apply). The verdict is
// therefore always the library's; a common valid string never reaches it
// (for email, never net/mail).

var (
	libEmail    = js.Formats["email"]
	libUUID     = js.Formats["uuid"]
	libDate     = js.Formats["date"]
	libDateTime = js.Formats["date-time"]
)

// bytesOf views s as bytes for the fast acceptors, which only read.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// FormatEmail reports whether s is an email address as the library's
// "email" format defines it.
func FormatEmail(s string) bool { return fastEmail(bytesOf(s)) || libEmail(s) }

// FormatUUID reports whether s is a UUID as the library's "uuid" format
// defines it.
func FormatUUID(s string) bool { return fastUUID(bytesOf(s)) || libUUID(s) }

// FormatDate reports whether s is a full-date as the library's "date"
// format defines it.
func FormatDate(s string) bool { return fastDate(bytesOf(s)) || libDate(s) }

// FormatDateTime reports whether s is a date-time as the library's
// "date-time" format defines it.
func FormatDateTime(s string) bool { return fastDateTime(bytesOf(s)) || libDateTime(s) }

// Unique reports whether no two items of s are equal (==), what a
// generated Validate's uniqueItems check finds with a map: pairwise for a
// short slice, without allocating, and with a map above that.
func Unique[T comparable](s []T) bool {
	if len(s) <= 32 {
		for a := 1; a < len(s); a++ {
			for b := range a {
				if s[a] == s[b] {
					return false
				}
			}
		}
		return true
	}
	seen := make(map[T]struct{}, len(s))
	for _, x := range s {
		if _, dup := seen[x]; dup {
			return false
		}
		seen[x] = struct{}{}
	}
	return true
}
