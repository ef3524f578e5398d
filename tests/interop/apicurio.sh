#!/usr/bin/env bash
# Runs Apicurio Registry (a third-party registry that serves Confluent's API
# under /apis/ccompat/v7) on 127.0.0.1 for schemagen's interop suite, with no
# Docker: the "all" bundle comes from Maven Central through Maven, unzipped
# into a cache directory. Storage is Apicurio's default in-memory H2, so every
# start is empty.
#
#   apicurio.sh fetch     resolve and unzip the bundle (once; cached)
#   apicurio.sh start     start, wait until it answers (180s at most), set the
#                         global compatibility to BACKWARD (Apicurio's default
#                         is NONE, Confluent's BACKWARD)
#   apicurio.sh stop      stop it by its PID (SIGTERM, then SIGKILL)
#   apicurio.sh status    exit 0 when the ccompat API answers
#   apicurio.sh url       print the ccompat base URL
#
# Environment: APICURIO_VERSION (default 3.0.9), APICURIO_CACHE (bundle,
# default ~/.cache/schemagen/apicurio-$APICURIO_VERSION), APICURIO_DIR (PID
# and log, default tests/interop/.apicurio), APICURIO_PORT (default 18081),
# APICURIO_HEAP (-Xmx), MAVEN_REPO_LOCAL (default ~/.m2/repository).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
version=${APICURIO_VERSION:-3.0.9}
cache=${APICURIO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/schemagen/apicurio-$version}
dir=${APICURIO_DIR:-$here/.apicurio}
port=${APICURIO_PORT:-18081}
heap=${APICURIO_HEAP:--Xms128m -Xmx512m}
pidfile=$dir/apicurio.pid
base=http://127.0.0.1:$port/apis/ccompat/v7

log() { printf 'apicurio.sh: %s\n' "$*" >&2; }

# Python (which run.sh needs anyway) unzips and speaks HTTP: no unzip or
# curl needed.
for tool in java mvn python3; do
	command -v "$tool" >/dev/null || { log "$tool is required"; exit 1; }
done

fetch() {
	if [ -f "$cache/.complete" ]; then
		return
	fi
	local artifact=io.apicurio:apicurio-registry-app:$version:zip:all
	log "resolving $artifact with Maven into $cache"
	# maven-dependency-plugin 3.x fails on the artifact's parent POM; 2.8's
	# get with -Dtransitive=false fetches the zip alone.
	mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:2.8:get \
		-Dartifact="$artifact" -Dtransitive=false
	local repo=${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}
	local zip=$repo/io/apicurio/apicurio-registry-app/$version/apicurio-registry-app-$version-all.zip
	[ -f "$zip" ] || { log "maven did not leave $zip"; exit 1; }
	rm -rf "$cache"
	mkdir -p "$cache"
	python3 -m zipfile -e "$zip" "$cache"
	[ -f "$cache/apicurio-registry-app-$version-runner.jar" ] || { log "no runner jar in $zip"; exit 1; }
	touch "$cache/.complete"
}

# http METHOD URL [BODY]: exit 0 on a 2xx answer within the timeout.
http() {
	python3 - "$@" <<'PY' >/dev/null 2>&1
import sys, urllib.request
method, url = sys.argv[1], sys.argv[2]
body = sys.argv[3].encode() if len(sys.argv) > 3 else None
req = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "application/json"})
urllib.request.urlopen(req, timeout=15 if body else 5)
PY
}

ready() { http GET "$base/subjects"; }

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

start() {
	fetch
	if running; then
		log "already running (pid $(cat "$pidfile"))"
		return
	fi
	mkdir -p "$dir"
	local t0
	t0=$(date +%s%N)
	# System properties go before -jar. exec, so $! is the JVM's own PID.
	# shellcheck disable=SC2086
	(cd "$cache" && exec java $heap -XX:+UseG1GC -Djava.awt.headless=true \
		-Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" \
		-Dquarkus.management.enabled=false \
		-jar "apicurio-registry-app-$version-runner.jar") >>"$dir/apicurio.log" 2>&1 &
	echo $! >"$pidfile"
	# 180s at most: ~10s on an idle machine, ~55s seen here at load 25.
	local deadline=$(($(date +%s) + 180))
	while [ "$(date +%s)" -lt "$deadline" ]; do
		if ready; then
			local ms=$((($(date +%s%N) - t0) / 1000000))
			# Confluent's default is BACKWARD; Apicurio's is NONE.
			http PUT "$base/config" '{"compatibility":"BACKWARD"}' ||
				{ log "PUT /config (BACKWARD) failed"; exit 1; }
			log "apicurio $version ready on $base in ${ms}ms (pid $(cat "$pidfile"))"
			echo "$ms" >"$dir/start-ms"
			return
		fi
		if ! running; then
			log "apicurio exited during start-up; last log lines:"
			tail -n 30 "$dir/apicurio.log" >&2
			exit 1
		fi
		sleep 0.5
	done
	log "apicurio not ready after 180s"
	tail -n 30 "$dir/apicurio.log" >&2
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

case "${1:-}" in
fetch) fetch ;;
start) start ;;
stop) stop ;;
restart) stop; start ;;
status) ready ;;
url) echo "$base" ;;
*) echo "usage: $0 fetch|start|stop|restart|status|url" >&2; exit 2 ;;
esac
