#!/usr/bin/env bash
# Runs a real three-node Apache Kafka cluster (KRaft, three combined
# broker+controller nodes) on 127.0.0.1 for schemagen's interop suite:
# 512 MB heap each, replication factor 3 by default, min.insync.replicas=2.
# The jars are kafka.sh's cache (kafka.sh fetch), no Docker, no network.
#
#   cluster.sh start        new certificates, format (with the SCRAM user), start
#                           all three nodes, wait until every node answers
#   cluster.sh stop         stop every node (SIGCONT, SIGTERM, SIGKILL after 15s)
#   cluster.sh clean        stop and remove the state directory
#   cluster.sh kill N       kill -9 node N (1..3), wait until it is gone
#   cluster.sh restart N    start node N again on its storage, wait until it answers
#   cluster.sh pause N      SIGSTOP node N
#   cluster.sh resume N     SIGCONT node N
#   cluster.sh status [N]   exit 0 when every node (or node N) answers
#   cluster.sh env          print the export lines the Go tests read
#
# Listeners of node N (base = CLUSTER_PORT + 10*(N-1)):
#   base+0  PLAINTEXT   (inter-broker; the fault tests)
#   base+1  CONTROLLER
#   base+2  SASL_SSL    SCRAM-SHA-512 and OAUTHBEARER (Kafka's unsecured JWS validator)
#   base+3  SSL         mutual TLS (client certificate required)
# Certificates (a CA, a server certificate for 127.0.0.1/localhost, a client
# certificate) are made by openssl at start into $CLUSTER_DIR/tls.
#
# Environment: CLUSTER_PORT (default 29200), CLUSTER_DIR (state, default
# tests/interop/.kafka/cluster), CLUSTER_HEAP (default -Xms512m -Xmx512m),
# KAFKA_VERSION and KAFKA_CACHE as kafka.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
version=${KAFKA_VERSION:-$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/kafka/pom.xml")}
cache=${KAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/schemagen/kafka-$version}
dir=${CLUSTER_DIR:-$here/.kafka/cluster}
base=${CLUSTER_PORT:-29200}
heap=${CLUSTER_HEAP:--Xms512m -Xmx512m}
nodes="1 2 3"
# Test-only credentials of the SCRAM user (made fresh with every cluster).
scram_user=${CLUSTER_SCRAM_USER:-alice}
scram_pass=${CLUSTER_SCRAM_PASS:-alice-scram-pw-5c1d}

log() { printf 'cluster.sh: %s\n' "$*" >&2; }

port() { echo $((base + 10 * ($1 - 1) + $2)); }
pidfile() { echo "$dir/node$1/pid"; }
running() { [ -f "$(pidfile "$1")" ] && kill -0 "$(cat "$(pidfile "$1")")" 2>/dev/null; }
ready() { (exec 3<>"/dev/tcp/127.0.0.1/$(port "$1" 0)") 2>/dev/null; }

check_node() {
	case "${1:-}" in
	1 | 2 | 3) ;;
	*) log "node id must be 1, 2 or 3 (got '${1:-}')"; exit 2 ;;
	esac
}

java_run() {
	# shellcheck disable=SC2086
	java $heap -XX:+UseG1GC -Djava.awt.headless=true \
		"-Dlog4j2.configurationFile=$here/kafka/log4j2.yaml" -cp "$cache/*" "$@"
}

# java_exec replaces the shell, so that `java_exec ... &` leaves the JVM's
# own PID in $! (a kill -9 of a subshell would leave the node running).
java_exec() {
	# shellcheck disable=SC2086
	exec java $heap -XX:+UseG1GC -Djava.awt.headless=true \
		"-Dlog4j2.configurationFile=$here/kafka/log4j2.yaml" -cp "$cache/*" "$@"
}

certs() {
	local t=$dir/tls
	rm -rf "$t"
	mkdir -p "$t"
	(
		cd "$t"
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=schemagen interop CA" \
			-keyout ca.key -out ca.pem 2>/dev/null
		printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n' >server.ext
		openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
			-extfile server.ext -out server.pem 2>/dev/null
		printf 'extendedKeyUsage=clientAuth\n' >client.ext
		openssl req -newkey rsa:2048 -nodes -subj "/CN=mtls-client" -keyout client.key -out client.csr 2>/dev/null
		openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
			-extfile client.ext -out client.pem 2>/dev/null
		# Kafka's PEM key store: the PKCS#8 key followed by the chain.
		cat server.key server.pem >server-keystore.pem
		rm -f ./*.csr ./*.ext ./*.srl
	)
}

config() {
	local n=$1 voters="" i
	for i in $nodes; do
		voters="$voters${voters:+,}$i@127.0.0.1:$(port "$i" 1)"
	done
	mkdir -p "$dir/node$n"
	cat >"$dir/node$n/server.properties" <<PROPS
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$(port "$n" 0),CONTROLLER://127.0.0.1:$(port "$n" 1),SASL_SSL://127.0.0.1:$(port "$n" 2),SSL://127.0.0.1:$(port "$n" 3)
advertised.listeners=PLAINTEXT://127.0.0.1:$(port "$n" 0),SASL_SSL://127.0.0.1:$(port "$n" 2),SSL://127.0.0.1:$(port "$n" 3)
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL
log.dirs=$dir/node$n/data
num.partitions=6
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
num.network.threads=2
num.io.threads=4
num.replica.fetchers=1
# A follower that stops fetching leaves the ISR after 10s (default 30s),
# a silent broker is fenced after 6s (default 9s): faults resolve within
# the suite's budget.
replica.lag.time.max.ms=10000
broker.session.timeout.ms=6000
broker.heartbeat.interval.ms=1000

ssl.keystore.type=PEM
ssl.keystore.location=$dir/tls/server-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$dir/tls/ca.pem
ssl.endpoint.identification.algorithm=
listener.name.ssl.ssl.client.auth=required

listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-512,OAUTHBEARER
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="broker";
listener.name.sasl_ssl.oauthbearer.sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredValidatorCallbackHandler
PROPS
}

start_node() {
	local n=$1
	if running "$n"; then
		return
	fi
	java_exec kafka.Kafka "$dir/node$n/server.properties" >>"$dir/node$n/broker.log" 2>&1 &
	echo $! >"$(pidfile "$n")"
}

wait_ready() {
	local n
	# 180s at most: a loaded 2-core machine needs 30-90s to restart a node
	# after a kill -9 (log recovery, catching up the metadata log).
	for _ in $(seq 1 360); do
		local all=1
		for n in "$@"; do
			if ! running "$n"; then
				log "node $n exited during start-up; last log lines:"
				tail -n 30 "$dir/node$n/broker.log" >&2
				exit 1
			fi
			ready "$n" || all=0
		done
		if [ $all = 1 ]; then
			return
		fi
		sleep 0.5
	done
	log "nodes $* not ready after 180s"
	for n in "$@"; do tail -n 20 "$dir/node$n/broker.log" >&2; done
	exit 1
}

start() {
	bash "$here/kafka.sh" fetch
	local n started=0
	for n in $nodes; do running "$n" && started=$((started + 1)); done
	if [ $started = 3 ]; then
		log "already running"
		return
	fi
	if [ $started = 0 ]; then
		# A fresh cluster every time: new certificates, new storage.
		rm -rf "$dir"
		mkdir -p "$dir"
		certs
		local id
		id=$(java_run kafka.tools.StorageTool random-uuid | tail -n 1)
		for n in $nodes; do
			config "$n"
			java_run kafka.tools.StorageTool format -t "$id" -c "$dir/node$n/server.properties" \
				--add-scram "SCRAM-SHA-512=[name=$scram_user,password=$scram_pass]" \
				>"$dir/node$n/format.log" 2>&1 &
		done
		wait
	fi
	for n in $nodes; do start_node "$n"; done
	wait_ready $nodes
	log "cluster $version ready: $(brokers 0) (SASL_SSL $(brokers 2), mTLS $(brokers 3))"
}

brokers() {
	local out="" n
	for n in $nodes; do out="$out${out:+,}127.0.0.1:$(port "$n" "$1")"; done
	echo "$out"
}

stop() {
	local n pids=()
	for n in $nodes; do
		if running "$n"; then
			local pid
			pid=$(cat "$(pidfile "$n")")
			kill -CONT "$pid" 2>/dev/null || true
			kill "$pid" 2>/dev/null || true
			pids+=("$pid")
		fi
		rm -f "$(pidfile "$n")"
	done
	[ ${#pids[@]} = 0 ] && return
	for _ in $(seq 1 30); do
		local alive=0 pid
		for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
		[ $alive = 0 ] && return
		sleep 0.5
	done
	for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
}

kill9() {
	check_node "$1"
	running "$1" || { log "node $1 is not running"; return 0; }
	local pid
	pid=$(cat "$(pidfile "$1")")
	kill -9 "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
	rm -f "$(pidfile "$1")"
}

restart() {
	check_node "$1"
	start_node "$1"
	wait_ready "$1"
}

signal() {
	check_node "$2"
	running "$2" || { log "node $2 is not running"; exit 1; }
	kill "-$1" "$(cat "$(pidfile "$2")")"
}

env_lines() {
	echo "export CLUSTER_BROKERS=$(brokers 0)"
	echo "export CLUSTER_SASL_BROKERS=$(brokers 2)"
	echo "export CLUSTER_MTLS_BROKERS=$(brokers 3)"
	echo "export CLUSTER_TLS_DIR=$dir/tls"
	echo "export CLUSTER_SCRAM_USER=$scram_user"
	echo "export CLUSTER_SCRAM_PASS=$scram_pass"
	echo "export CLUSTER_SH=$here/cluster.sh"
	# cluster.sh itself, run by the tests, needs these to find the nodes.
	echo "export CLUSTER_PORT=$base"
	echo "export CLUSTER_DIR=$dir"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
clean) stop; rm -rf "$dir" ;;
kill) kill9 "${2:-}" ;;
restart) restart "${2:-}" ;;
pause) signal STOP "${2:-}" ;;
resume) signal CONT "${2:-}" ;;
status)
	if [ -n "${2:-}" ]; then check_node "$2"; ready "$2"; else for n in $nodes; do ready "$n"; done; fi
	;;
env) env_lines ;;
*) echo "usage: $0 start|stop|clean|kill N|restart N|pause N|resume N|status [N]|env" >&2; exit 2 ;;
esac
