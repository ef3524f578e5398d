# schemagen's make targets. `make demo` runs the main job; `make test` runs
# every test. Both work on a fresh machine with Go (see README.md).

GO        ?= go
GOFLAGS   ?=
PKGS      := ./...
# Packages whose concurrency the race detector checks in `make test`.
RACE_PKGS := ./serde/... ./registry/... ./producer/...

.PHONY: all demo test test-unit test-race test-interop lint bench bench-ratios bench-interop deps fuzz

all: test

## deps: download Go modules (the network step; tests run offline after it).
deps:
	$(GO) mod download

## demo: the main job (embedded broker and registry, typed producers).
demo: deps
	$(GO) run ./examples/demo

## test: everything CI runs.
test: deps lint test-unit test-race test-interop

lint:
	@fmt=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$fmt" ]; then echo "gofmt needed:"; echo "$$fmt"; exit 1; fi
	$(GO) vet $(PKGS)
	CGO_ENABLED=0 $(GO) build $(PKGS)

test-unit:
	$(GO) test -count=1 $(PKGS)

test-race:
	$(GO) test -count=1 -race -short $(RACE_PKGS)

## fuzz: run every fuzz target for FUZZTIME each (not part of `make test`).
## FUZZMINIMIZETIME bounds the minimizing of each new input: at Go's default
## of 60s, protobuf's FuzzCompile spent a 10s run minimizing one input.
## tests/fuzz.sh says how it treats Go 1.26's coordinator race.
FUZZTIME ?= 10s
FUZZMINIMIZETIME ?= 2s
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) FUZZMINIMIZETIME=$(FUZZMINIMIZETIME) bash tests/fuzz.sh

## bench: the benchmarks recorded in docs/PERFORMANCE.md.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./serde/... ./producer/... | tee bench.out

## bench-ratios: issue 11's ratios (generated codecs and the typed producer
## against the bare codecs and raw kgo), one `RATIO <name> <measured> <target>`
## line each; see docs/PERFORMANCE.md.
bench-ratios:
	GO=$(GO) bash bench/ratios.sh

## test-interop: the real-peer suite (real Kafka broker from Maven jars,
## Confluent's Python client; see tests/interop/run.sh).
test-interop:
	bash tests/interop/run.sh

## bench-interop: schemagen vs confluent-kafka-go on the real broker
## (docs/perf/interop.md).
bench-interop:
	INTEROP_BENCH=1 bash tests/interop/run.sh -run '^$$'
