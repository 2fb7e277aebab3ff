#!/usr/bin/env bash
# Benchmarks the forwarder (standalone mode) against a direct connection and HAProxy, in one
# interleaved run of ../shared/bench/run.sh. Extra arguments go to run.sh, e.g.
#   bench/forwarder.sh --runs 3 --duration 10
#   bench/forwarder.sh --tests bulk1,rr1 --runs 2 --duration 5
# JVM_FLAGS=... overrides the JVM flags below (to compare settings).
# Needs: apt-get install -y haproxy nginx libnginx-mod-stream socat iperf3 wrk
# Do not run it next to a Maven build: on two cores they measure each other.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH=${BENCH:-$ROOT/../shared/bench/run.sh}
JAR=$ROOT/target/quarkus-app/quarkus-run.jar
CDS_ARCHIVE=$ROOT/target/forwarder-cds.jsa

if [[ ! -f $JAR ]]; then
    mvn -B -o -q package -DskipTests
fi

# Why each flag (BENCHMARKS.md has what was tried and measured):
#  Serial GC             one GC thread, no concurrent-GC bookkeeping: the forwarder makes little
#                        garbage (payload lives in pooled direct buffers), young pauses < 1 ms
#  -Xms = -Xmx 64m       a fixed small heap, as the bench README advises for a JVM; the base
#                        needs ~9 MB live, 10,000 idle connections ~30 MB more
#  -Xmn4m                eden is touched whole at every cycle, so its size is resident memory
#  -TieredCompilation    C2 only (no C1 tier): the same peak code, fewer compilations and less
#                        compiler memory; the harness warms up every target before measuring
#  TrimNativeHeap        gives malloc memory freed after start-up (class loading, compiler
#                        arenas) back to the OS; MetaspaceReclaimPolicy: smaller metaspace chunks
#  SharedArchiveFile     AppCDS: class metadata mapped from an archive made by a training run
#                        (below) instead of parsed and verified at start
#  -Xss256k, code cache  smaller reservations; Netty: one direct arena per core, no heap arenas
#  quarkus.http.port=0   any free port for metrics/health: the harness starts several instances
#  vertx event loops 1   Quarkus' own HTTP server needs one loop, not 2 x cores
JVM_FLAGS=${JVM_FLAGS:-"-XX:+UseSerialGC -Xms64m -Xmx64m -Xmn4m -Xss256k -XX:-TieredCompilation
    -XX:ReservedCodeCacheSize=32m -XX:TrimNativeHeapInterval=1000 -XX:MetaspaceReclaimPolicy=aggressive
    -XX:SharedArchiveFile=$CDS_ARCHIVE -Xlog:cds=off -Xlog:cds+dynamic=off
    -Dio.netty.allocator.numDirectArenas=2 -Dio.netty.allocator.numHeapArenas=0
    -Dquarkus.http.port=0 -Dquarkus.vertx.event-loops-pool-size=1"}
JVM_FLAGS=$(echo $JVM_FLAGS)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# AppCDS training run: start the forwarder, pass a few connections, stop it; the JVM writes the
# archive of every class it loaded on exit.
train_cds() {
    local up fw upstream forwarder i
    up=$(free_port); fw=$(free_port)
    socat "TCP-LISTEN:$up,bind=127.0.0.1,fork,reuseaddr" EXEC:cat & upstream=$!
    java ${JVM_FLAGS//-XX:SharedArchiveFile=$CDS_ARCHIVE/} -XX:ArchiveClassesAtExit="$CDS_ARCHIVE" \
        -jar "$JAR" forwarder --allow-loopback-upstreams --listen "127.0.0.1:$fw" --upstream "127.0.0.1:$up" >"$ROOT/target/cds-training.log" 2>&1 &
    forwarder=$!
    for i in $(seq 1 100); do ss -ltn "sport = :$fw" | grep -q LISTEN && break; sleep 0.1; done
    for i in $(seq 1 20); do echo "training $i" | timeout 5 socat - "TCP:127.0.0.1:$fw" >/dev/null || true; done
    kill -TERM "$forwarder"; wait "$forwarder" || true
    kill "$upstream"; wait "$upstream" 2>/dev/null || true
}

# the archive is only valid for the build it was made from
if [[ $JVM_FLAGS == *SharedArchiveFile=$CDS_ARCHIVE* ]] \
        && { [[ ! -f $CDS_ARCHIVE ]] || [[ -n $(find "$ROOT/target/quarkus-app" -type f -newer "$CDS_ARCHIVE" -print -quit) ]]; }; then
    rm -f "$CDS_ARCHIVE"
    train_cds
fi

# The harness's clients all connect from 127.0.0.1: one source, thousands of connections a second,
# which the per-source rate limit (SEC-08, 1,000/s by default) exists to refuse. HAProxy has no such
# limit here either: capacity is measured without it.
FORWARDER_ARGS="--allow-loopback-upstreams --listen {LISTEN_ADDR} --upstream {UPSTREAM} --drain-timeout 1s --max-new-connections-per-source 0"
exec "$BENCH" --proxy-name forwarder --ready-timeout 60 \
    --proxy-cmd "java $JVM_FLAGS -jar $JAR forwarder $FORWARDER_ARGS" \
    "$@"
