#!/usr/bin/env bash
# Benchmarks the forwarder (standalone mode) against a direct connection and HAProxy, in one
# interleaved run of ../shared/bench/run.sh. Extra arguments go to run.sh, e.g.
#   bench/forwarder.sh --runs 3 --duration 10
#   bench/forwarder.sh --tests bulk1,rr1 --runs 2 --duration 5
# JVM_FLAGS=... overrides the JVM flags below (to compare settings); --print-jvm-flags prints them.
# The JVM is the image's release (bin/image-java: Java 25; IMAGE_JAVA=... to name one); --print-java
# prints its command.
# Needs: apt-get install -y haproxy nginx libnginx-mod-stream socat iperf3 wrk, and a JDK of the
# image's release (25; bin/image-java looks under /usr/lib/jvm, or set IMAGE_JAVA).
# Do not run it next to a Maven build: on two cores they measure each other.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH=${BENCH:-$ROOT/../shared/bench/run.sh}
JAR=$ROOT/target/quarkus-app/quarkus-run.jar
CDS_ARCHIVE=$ROOT/target/forwarder-cds.jsa

# The JVM options are the forwarder's as deployed: src/main/resources/forwarder-jvm.options (the
# one definition, which says why each flag), with the class-data archive at target/ instead of
# the image's /deployments/, and one flag for the harness only:
#  quarkus.http.port=0   any free port for metrics/health: the harness starts several instances
OPTIONS=$ROOT/src/main/resources/forwarder-jvm.options
IMAGE_CDS_ARCHIVE=/deployments/forwarder-cds.jsa
deployed_flags() {
    sed -e 's/#.*//' "$OPTIONS" | tr -s ' \t\n' ' ' | sed -e 's/^ //' -e 's/ $//' \
        -e "s|-XX:SharedArchiveFile=$IMAGE_CDS_ARCHIVE|-XX:SharedArchiveFile=$CDS_ARCHIVE|"
}
JVM_FLAGS=${JVM_FLAGS:-"$(deployed_flags) -Dquarkus.http.port=0"}
JVM_FLAGS=$(echo $JVM_FLAGS)
if [[ ${1:-} == --print-jvm-flags ]]; then # what AsDeployedTest compares with the definition
    echo "$JVM_FLAGS"
    exit 0
fi
JAVA=$("$ROOT/bin/image-java")
if [[ ${1:-} == --print-java ]]; then
    echo "$JAVA"
    exit 0
fi

if [[ ! -f $JAR ]]; then
    mvn -B -o -q package -DskipTests
fi

# the archive is only valid for the build it was made from: remade whenever the build or the
# options are newer (--make-archive does only this, for bench/cross-cluster.sh)
if [[ $JVM_FLAGS == *SharedArchiveFile=$CDS_ARCHIVE* ]] \
        && { [[ ! -f $CDS_ARCHIVE ]] || [[ -n $(find "$ROOT/target/quarkus-app" "$OPTIONS" -newer "$CDS_ARCHIVE" -print -quit) ]]; }; then
    JAVA=$JAVA "$ROOT/bin/forwarder-cds-archive" "$JAR" "$OPTIONS" "$CDS_ARCHIVE" >"$ROOT/target/cds-training.log" 2>&1
fi
if [[ ${1:-} == --make-archive ]]; then
    exit 0
fi

# The harness's clients all connect from 127.0.0.1: one source, thousands of connections a second
# and ~10,000 held at once in the idle test, which the per-source limits (SEC-08: 1,000 new a
# second, 2,000 open, by default) exist to refuse. HAProxy has no such limits here either:
# capacity is measured without them (the forwarder's --max-connections, 20,000, still holds).
FORWARDER_ARGS="--allow-loopback-upstreams --listen {LISTEN_ADDR} --upstream {UPSTREAM} --drain-timeout 1s --max-new-connections-per-source 0 --max-connections-per-source 20000"
exec "$BENCH" --proxy-name forwarder --ready-timeout 60 \
    --proxy-cmd "$JAVA $JVM_FLAGS -jar $JAR forwarder $FORWARDER_ARGS" \
    "$@"
