#!/usr/bin/env bash
# Benchmarks the cross-cluster data path against the same shape built from HAProxy, and a direct
# connection, in one interleaved run of the shared harness ../shared/bench/run.sh:
#
#   privatelink:  client -> forwarder -> mutual TLS 1.3 (PROXY v2 preamble inside) -> gateway -> backend
#   haproxy-tls:  client -> HAProxy A (server ... ssl crt ... verify required send-proxy-v2)
#                        -> mutual TLS 1.3 -> HAProxy B (bind ... ssl ... verify required accept-proxy) -> backend
#
# Both use the same certificates (made here with openssl: ECDSA P-256, a root and an intermediate
# per trust domain, leaves with the SPIFFE IDs the gateway checks) and the same cipher suite
# (TLS_AES_128_GCM_SHA256, HAProxy forced to it; BoringSSL picks it first where the CPU has AES).
# HAProxy A resumes TLS sessions by default; haproxy-tls-noreuse (no-ssl-reuse) makes a full
# handshake per connection, as the forwarder does. Extra arguments go to run.sh, e.g.
#   bench/cross-cluster.sh                                  # bulk1, rr, conn; 3 runs x 10 s
#   bench/cross-cluster.sh --runs 5 --tests bulk1,bulk8,rr,rr1,conn
# Both JVMs run with the forwarder's JVM options as deployed (bench/forwarder.sh --print-jvm-flags),
# C2 only (-XX:-TieredCompilation): the handshake path takes the JIT well over 5 s to compile, so
# every target gets a 20 s warm-up per test (--warmup), to measure the steady state.
# A/B of gateway JVM flags: --extra "NAME=GATEWAY_JVM_EXTRA='-D...' bench/cross-cluster.sh --launch privatelink-NAME {LISTEN} {UPSTREAM}".
# Needs: apt-get install -y haproxy nginx iperf3 wrk openssl python3. Not next to a Maven build.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SELF=$ROOT/bench/cross-cluster.sh
BENCH=${BENCH:-$ROOT/../shared/bench/run.sh}
JAR=$ROOT/target/quarkus-app/quarkus-run.jar
WORK=${XC_WORK:-$ROOT/target/bench-cross-cluster}
ENDPOINT_ID=vpce-0bench00000000001
CIPHER=TLS_AES_128_GCM_SHA256

wait_port() { # wait_port PORT PID: until something listens on PORT, while PID lives
    for _ in $(seq 1 600); do
        [[ -n $(ss -Hltn "( sport = :$1 )" 2>/dev/null) ]] && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# ---- launchers, run by the harness in their own session (one per target and phase): the inner
# hop starts first, on LISTEN+5 (free in the harness's port plan), then the outer one on LISTEN.
if [[ ${1:-} == --launch ]]; then
    what=$2 listen=$3 upstream=$4 inner=$(($3 + 5))
    dir=$WORK/run-$what-$listen
    mkdir -p "$dir"
    case $what in
    privatelink | privatelink-*)
        python3 - "$WORK" "$ENDPOINT_ID" "$listen" "$upstream" >"$dir/gateway.json" <<'EOF'
import json, sys
work, endpoint, port, upstream = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
host, upstream_port = upstream.rsplit(":", 1)
print(json.dumps({
    "peers": [{"name": "west", "trustDomain": "west", "trustBundle": open(work + "/west-root.pem").read(),
               "state": "ACTIVE"}],
    "endpoints": [{"endpointId": endpoint, "peer": "west", "consumerNamespace": "bench", "state": "AVAILABLE",
                   "ports": [{"port": port, "upstreams": [{"host": host, "port": int(upstream_port)}]}],
                   "proxyProtocol": "NONE"}]}))
EOF
        flags=$(cat "$WORK/jvm-flags") java=$(cat "$WORK/java")
        # shellcheck disable=SC2086
        "$java" $flags ${GATEWAY_JVM_EXTRA:-} -jar "$JAR" gateway --listen "127.0.0.1:$inner" --config "$dir/gateway.json" \
            --certificate-chain "$WORK/gateway.crt" --private-key "$WORK/gateway.key" \
            --allow-loopback-upstreams --max-new-connections-per-source 0 &
        wait_port "$inner" $! || exit 1
        # shellcheck disable=SC2086
        exec "$java" $flags -jar "$JAR" forwarder --listen "127.0.0.1:$listen" --upstream "127.0.0.1:$inner" \
            --gateway-credentials "$WORK/forwarder" --gateway-trust-domain east --endpoint-id "$ENDPOINT_ID" \
            --allow-loopback-upstreams --drain-timeout 1s --max-new-connections-per-source 0
        ;;
    haproxy | haproxy-noreuse)
        reuse=""
        [[ $what == haproxy-noreuse ]] && reuse=" no-ssl-reuse"
        # as the harness's own haproxy peer (mode tcp, its timeouts), plus TLS 1.3 with one suite
        common="global
  maxconn 9000
  ssl-default-bind-ciphersuites $CIPHER
  ssl-default-server-ciphersuites $CIPHER
  ssl-default-bind-options ssl-min-ver TLSv1.3
  ssl-default-server-options ssl-min-ver TLSv1.3
defaults
  mode tcp
  maxconn 9000
  timeout connect 5s
  timeout client 10m
  timeout server 10m"
        printf '%s\nlisten gateway\n  bind 127.0.0.1:%s ssl crt %s ca-file %s verify required accept-proxy\n  server s1 %s\n' \
            "$common" "$inner" "$WORK/gateway.pem" "$WORK/west-root.pem" "$upstream" >"$dir/b.cfg"
        printf '%s\nlisten forwarder\n  bind 127.0.0.1:%s\n  server s1 127.0.0.1:%s ssl crt %s ca-file %s verify required send-proxy-v2%s\n' \
            "$common" "$listen" "$inner" "$WORK/consumer.pem" "$WORK/east-root.pem" "$reuse" >"$dir/a.cfg"
        haproxy -db -f "$dir/b.cfg" &
        wait_port "$inner" $! || exit 1
        exec haproxy -db -f "$dir/a.cfg"
        ;;
    esac
    exit 2
fi

# ---- certificates: two trust domains (east runs the gateway, west the consumer's forwarder)
certificates() {
    rm -rf "$WORK" && mkdir -p "$WORK/forwarder"
    local d=$WORK td
    key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
    sign() { # sign CSR_KEY SUBJECT ISSUER_PREFIX OUT EXTENSIONS
        openssl req -new -key "$1" -subj "$2" |
            openssl x509 -req -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days "$6" -out "$4" \
                -extfile <(printf '%b' "$5") 2>/dev/null
    }
    for td in east west; do
        key "$d/$td-root.key"
        openssl req -x509 -new -key "$d/$td-root.key" -subj "/O=kube-privatelink/OU=$td/CN=root" -days 3650 \
            -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out "$d/$td-root.pem"
        key "$d/$td-intermediate.key"
        sign "$d/$td-intermediate.key" "/O=kube-privatelink/OU=$td/CN=intermediate" "$d/$td-root" \
            "$d/$td-intermediate.pem" \
            'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' 28
    done
    leaf() { # leaf TD NAME SPIFFE_PATH
        key "$d/$2.key"
        sign "$d/$2.key" "/O=kube-privatelink/OU=$1/CN=$2" "$d/$1-intermediate" "$d/$2.leaf.pem" \
            "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=critical,URI:spiffe://$1/privatelink/$3\n" 3
        cat "$d/$2.leaf.pem" "$d/$1-intermediate.pem" >"$d/$2.crt"
        cat "$d/$2.crt" "$d/$2.key" >"$d/$2.pem" # HAProxy's crt: chain and key in one file
    }
    leaf east gateway gateway
    leaf west consumer consumer-ns/bench
    cp "$d/consumer.crt" "$d/forwarder/tls.crt"
    cp "$d/consumer.key" "$d/forwarder/tls.key"
    cp "$d/east-root.pem" "$d/forwarder/peer-east.pem"
}

if [[ ! -f $JAR ]]; then
    mvn -B -o -q package -DskipTests
fi
certificates
# the JVM as deployed (the image's release, the options), and the class-data archive they name,
# all from bench/forwarder.sh
"$ROOT/bench/forwarder.sh" --print-jvm-flags >"$WORK/jvm-flags"
"$ROOT/bench/forwarder.sh" --print-java >"$WORK/java"
"$ROOT/bench/forwarder.sh" --make-archive

exec "$BENCH" --peers none --ref haproxy-tls --ready-timeout 90 --tests bulk1,rr,conn --warmup 20 \
    --proxy-name privatelink --proxy-cmd "$SELF --launch privatelink {LISTEN} {UPSTREAM}" \
    --extra "haproxy-tls=$SELF --launch haproxy {LISTEN} {UPSTREAM}" \
    --extra "haproxy-tls-noreuse=$SELF --launch haproxy-noreuse {LISTEN} {UPSTREAM}" \
    "$@"
