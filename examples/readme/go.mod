// The README's program, as a user's own module would hold it: it builds
// only after `schemagen generate` writes gen/users (tests/newuser_test.go
// runs the whole path in a fresh module). A module of its own, so the
// repository's `go build ./...` does not need gen/users.
module example.com/shop

go 1.26
