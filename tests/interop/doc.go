// Package interop is schemagen's real-peer suite: a real Apache Kafka
// broker (KRaft, started by kafka.sh) and Confluent's own Python client
// (confluent-kafka with its Schema Registry serdes) and kafka-python as
// independent judges of what schemagen writes and of its embedded
// registry server.
//
// The tests are behind the interop build tag, so `go test ./...` needs no
// broker. Run them with `bash tests/interop/run.sh` (or `make
// test-interop`), which fetches the Kafka jars, builds the Python venv,
// starts the broker and stops it again. Under the tag a missing broker
// or Python fails the tests; nothing is skipped.
package interop
