#!/usr/bin/env bash
# Runs the benchmarks behind issue 11's targets and prints one line per
# ratio: RATIO <name> <measured> <target>. Each ratio's two sides run in
# the same benchmark, interleaved in blocks, so machine load hits both
# alike. Exits non-zero only when a benchmark fails to run; a missed
# target is a number to read, not a failure (see docs/PERFORMANCE.md).
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# Codec ratios: typed (Serializer over generated code, validated, framed,
# into a reused buffer) against the bare codec (fresh slice, no checks).
$GO test -run '^$' -bench '^BenchmarkRatio$' -benchtime 400x -count 1 ./codegen/ >"$out"
# Producer ratios: kfake blackhole, one kgo client, blocks of 20000 records.
$GO test -run '^$' -bench '^BenchmarkRatioProduce$' -benchtime 12x -count 1 ./producer/ >>"$out"

# confluent/typed (avro, protobuf, json; useSchemaID and useLatest):
# confluent-kafka-go v2's serializers (cgo, bench/serde, a
# module of its own) against the typed path; SKIP_CONFLUENT=1 leaves it out
# on a machine without cgo.
if [ "${SKIP_CONFLUENT:-0}" != 1 ]; then
	(cd bench/serde && $GO test ./typed -run '^$' -bench '^BenchmarkConfluentTyped$' -benchtime 300x -count 1) >>"$out"
fi

awk '
/^BenchmarkRatio\// {
	name = $1; sub(/^BenchmarkRatio\//, "", name); sub(/-[0-9]+$/, "", name)
	for (i = 2; i <= NF; i++) {
		if ($i == "ratio") r = $(i-1)
		if ($i == "target") t = $(i-1)
	}
	printf "RATIO %s %s %s\n", name, r, t
}
/^BenchmarkConfluentTyped\// {
	name = $1; sub(/^BenchmarkConfluentTyped\//, "", name); sub(/-[0-9]+$/, "", name); gsub(/\//, "-", name)
	for (i = 2; i <= NF; i++) if ($i == "confluent/typed") printf "RATIO confluent/typed-%s %s 5\n", name, $(i-1)
}
/^BenchmarkRatioProduce/ {
	for (i = 2; i <= NF; i++) {
		if ($i == "typed/raw-kgo") printf "RATIO typed/raw-kgo %s 0.9\n", $(i-1)
		if ($i == "typed/kgo-sr-serde") printf "RATIO typed/kgo-sr-serde %s 1.5\n", $(i-1)
		if ($i == "typed-cpu-ns/rec") tc = $(i-1)
		if ($i == "raw-kgo-cpu-ns/rec") rc = $(i-1)
		if ($i == "kgo-sr-serde-cpu-ns/rec") sc = $(i-1)
	}
	# The same ratios by whole-process CPU per record (steadier than wall
	# time on a shared machine): CPU of the other side over CPU of the typed side.
	printf "RATIO typed/raw-kgo(cpu) %.4f 0.9\n", rc / tc
	printf "RATIO typed/kgo-sr-serde(cpu) %.4f 1.5\n", sc / tc
}
' "$out"
grep -E '^(FAIL|--- FAIL)' "$out" && exit 1
exit 0
