#!/usr/bin/env bash
# Runs schemagen's real-peer interop suite: a real Apache Kafka broker
# (kafka.sh: jars from Maven Central, KRaft on 127.0.0.1:19092), a real
# three-node cluster beside it (cluster.sh: the same jars, ports 29200-29223)
# for the fault and security tests (TestCluster*), Confluent's
# Python client and kafka-python (a venv from requirements.txt), and the Go
# tests under the interop build tag. Works from a fresh clone: it fetches
# the jars and builds the venv when missing (both are cached).
#
#   bash tests/interop/run.sh            the whole suite
#   bash tests/interop/run.sh -run Wire  extra arguments go to `go test`
#
# Environment: INTEROP_BENCH=1 also runs the side-by-side benchmark
# (bench/, see docs/perf/interop.md); INTEROP_CLUSTER=0 does not start the
# three-node cluster (the TestCluster* tests then fail: skip them with
# -skip TestCluster); KAFKA_* as kafka.sh documents, CLUSTER_* as cluster.sh,
# APICURIO_* as apicurio.sh does.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=$here/.venv
start=$(date +%s)

log() { printf 'interop: %s\n' "$*" >&2; }

# What a fresh machine needs besides Go; say so plainly instead of failing
# halfway through.
for tool in java mvn python3 openssl; do
	command -v "$tool" >/dev/null || { log "$tool is required (Kafka runs on Java, its jars come through Maven, the judges are Python, the cluster's test certificates come from openssl)"; exit 1; }
done

# A small heap: the machine is shared and the suite needs little.
export KAFKA_HEAP=${KAFKA_HEAP:--Xms256m -Xmx512m}
export KAFKA_PORT=${KAFKA_PORT:-19092}

log "fetching Kafka jars (cached after the first run)"
bash "$here/kafka.sh" fetch

# The venv is reused while requirements.txt is unchanged.
want=$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)
have=$(cat "$venv/.requirements.sha256" 2>/dev/null || true)
if [ "$want" != "$have" ] || [ ! -x "$venv/bin/python" ]; then
	log "creating the Python venv at $venv"
	rm -rf "$venv"
	python3 -m venv "$venv"
	"$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"
	echo "$want" >"$venv/.requirements.sha256"
fi

cluster=${INTEROP_CLUSTER:-1}
stop() {
	bash "$here/kafka.sh" stop || true
	if [ "$cluster" = 1 ]; then
		local t0
		t0=$(date +%s)
		bash "$here/cluster.sh" stop || true
		log "cluster stopped in $(($(date +%s) - t0))s"
	fi
}
trap stop EXIT
# A broker left over from an interrupted run is stopped first, so the
# suite always starts on a broker it started itself.
bash "$here/kafka.sh" stop || true
cluster_start=0
if [ "$cluster" = 1 ]; then
	# The cluster starts beside the single broker (fresh storage and
	# certificates each time); both are shared by every test that needs them.
	bash "$here/cluster.sh" stop || true
	t0=$(date +%s)
	bash "$here/cluster.sh" start &
	cpid=$!
fi
bash "$here/kafka.sh" start
if [ "$cluster" = 1 ]; then
	wait $cpid
	cluster_start=$(($(date +%s) - t0))
	eval "$(bash "$here/cluster.sh" env)"
fi

# Apicurio Registry (apicurio.sh, bundle from Maven Central, cached): a
# third-party registry with Confluent's API under /apis/ccompat/v7, for the
# apicurio*_test.go tests. Started once, stopped on exit with the broker.
export APICURIO_PORT=${APICURIO_PORT:-18081}
trap 'stop; bash "$here/apicurio.sh" stop || true' EXIT
bash "$here/apicurio.sh" stop || true
bash "$here/apicurio.sh" start
APICURIO_URL=$(bash "$here/apicurio.sh" url)
export APICURIO_URL

export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
export INTEROP_PYTHON=$venv/bin/python
export KAFKA_SH=$here/kafka.sh

status=0
cd "$root"
go test -count=1 -tags interop -timeout 25m -v ./tests/interop/... "$@" || status=$?

if [ "${INTEROP_BENCH:-0}" = 1 ] && [ $status = 0 ]; then
	(cd "$root/bench" && go run . -brokers "$KAFKA_BROKERS") || status=$?
fi

kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/kafka/pom.xml")
echo
echo "== interop summary"
echo "wall time:     $(($(date +%s) - start))s"
[ "$cluster" = 1 ] && echo "cluster start: ${cluster_start}s (three KRaft nodes, ports $CLUSTER_BROKERS)"
echo "kafka:         $kafka_version (KRaft, $(java -version 2>&1 | head -n 1))"
echo "apicurio:      ${APICURIO_VERSION:-3.0.9} (ready in $(cat "$here/.apicurio/start-ms" 2>/dev/null)ms)"
echo "python:        $("$venv/bin/python" --version 2>&1)"
"$venv/bin/pip" list --disable-pip-version-check 2>/dev/null |
	grep -Ei '^(confluent-kafka|kafka-python|fastavro|protobuf|jsonschema|avro|attrs|httpx) ' |
	sed 's/^/package:       /'
if [ $status = 0 ]; then echo "result:        PASS"; else echo "result:        FAIL ($status)"; fi
exit $status
