#!/usr/bin/env bash
# Runs a real Apache Kafka broker (KRaft, one combined broker and controller)
# on 127.0.0.1 for schemagen's interop suite, with no Docker: the jars come
# from Maven Central through Maven, into a cache directory.
#
#   kafka.sh fetch     resolve the jars (once; cached)
#   kafka.sh start     format storage if needed, start, wait until ready (120s at most:
#                      after a kill -9 a loaded machine needs 20-45s of log recovery)
#   kafka.sh stop      stop the broker by its PID (SIGTERM, then SIGKILL)
#   kafka.sh kill      kill -9 the broker (fault injection)
#   kafka.sh restart   start again on the same storage
#   kafka.sh status    exit 0 when the broker answers on its port
#
# Environment: KAFKA_VERSION (from kafka/pom.xml), KAFKA_CACHE (jars,
# default ~/.cache/schemagen/kafka-$KAFKA_VERSION), KAFKA_DIR (state, default
# tests/interop/.kafka), KAFKA_PORT (9092 default 19092), KAFKA_HEAP (-Xmx).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
version=${KAFKA_VERSION:-$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/kafka/pom.xml")}
cache=${KAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/schemagen/kafka-$version}
dir=${KAFKA_DIR:-$here/.kafka}
port=${KAFKA_PORT:-19092}
cport=$((port + 1))
heap=${KAFKA_HEAP:--Xms256m -Xmx768m}
pidfile=$dir/broker.pid

log() { printf 'kafka.sh: %s\n' "$*" >&2; }

fetch() {
	if [ -f "$cache/.complete" ]; then
		return
	fi
	log "resolving org.apache.kafka:kafka_2.13:$version with Maven into $cache"
	mkdir -p "$cache"
	mvn -q -B -f "$here/kafka/pom.xml" -Dkafka.version="$version" \
		dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$cache"
	touch "$cache/.complete"
}

java_run() {
	# shellcheck disable=SC2086
	java $heap -XX:+UseG1GC -Djava.awt.headless=true \
		-Dlog4j2.configurationFile="$here/kafka/log4j2.yaml" \
		-cp "$cache/*" "$@"
}

# java_exec is java_run that replaces the shell, so a backgrounded
# `java_exec ... &` has the JVM's own PID in $!, not that of a subshell
# around it (kill -9 of the subshell would leave the broker running).
java_exec() {
	# shellcheck disable=SC2086
	exec java $heap -XX:+UseG1GC -Djava.awt.headless=true \
		-Dlog4j2.configurationFile="$here/kafka/log4j2.yaml" \
		-cp "$cache/*" "$@"
}

config() {
	mkdir -p "$dir"
	cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.flush.interval.messages=9223372036854775807
PROPS
}

ready() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

start() {
	fetch
	if running; then
		log "already running (pid $(cat "$pidfile"))"
		return
	fi
	config
	if [ ! -f "$dir/data/meta.properties" ]; then
		local id
		id=$(java_run kafka.tools.StorageTool random-uuid | tail -n 1)
		java_run kafka.tools.StorageTool format -t "$id" -c "$dir/server.properties" >"$dir/format.log" 2>&1
	fi
	java_exec kafka.Kafka "$dir/server.properties" >>"$dir/broker.log" 2>&1 &
	echo $! >"$pidfile"
	for _ in $(seq 1 240); do
		if ready; then
			log "broker $version ready on 127.0.0.1:$port (pid $(cat "$pidfile"))"
			return
		fi
		if ! running; then
			log "broker exited during start-up; last log lines:"
			tail -n 30 "$dir/broker.log" >&2
			exit 1
		fi
		sleep 0.5
	done
	log "broker not ready after 120s"
	tail -n 30 "$dir/broker.log" >&2
	exit 1
}

stop() {
	running || { rm -f "$pidfile"; return; }
	local pid
	pid=$(cat "$pidfile")
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 1 60); do
		kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; return; }
		sleep 0.5
	done
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$pidfile"
}

kill9() {
	running || return 0
	kill -9 "$(cat "$pidfile")"
	while running; do sleep 0.1; done
	rm -f "$pidfile"
}

case "${1:-}" in
fetch) fetch ;;
start) start ;;
stop) stop ;;
kill) kill9 ;;
restart) stop; start ;;
status) ready ;;
clean) stop; rm -rf "$dir" ;;
*) echo "usage: $0 fetch|start|stop|kill|restart|status|clean" >&2; exit 2 ;;
esac
