#!/usr/bin/env bash
# End-to-end load test of the running gateway with wrk (apt-get install wrk): requests per second and
# latency for the main paths through the gateway, and the demo upstream alone for comparison.
# Usage, from the repository root after `mvn -q -DskipTests install`:
#   benchmarks/load/gateway-load.sh [SECONDS] [CONNECTIONS]      (WARMUP=150 seconds of warm-up load by default)
# Starts the gateway with the bundled configuration, warms it up, measures, stops it. The demo also
# opens 8081 (admin), 8443 (TLS) and 9080 (demo bank): they must be free.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-15}
connections=${2:-32}
warmup=${WARMUP:-150}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 2; }

java -Xms512m -Xmx512m -jar camel-routes/target/portcullis-gateway.jar >/dev/null 2>/tmp/portcullis-load.err &
gateway=$!
trap 'kill $gateway 2>/dev/null; wait $gateway 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf -o /dev/null http://127.0.0.1:8081/health && break; sleep 0.5; done

run() { # name, url, extra wrk args...
  local name=$1 url=$2; shift 2
  wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@" "$url" |
    awk -v n="$name" '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {non2xx=$NF}
      END {printf "%-44s %10s req/s   p50 %8s   p99 %8s   non-2xx %s\n", n, rps, p50, p99, (non2xx==""?0:non2xx)}'
}

# On 2 cores shared with wrk and the in-process upstream, C2 needs minutes to finish compiling
# Camel, Drools and Jackson: throughput measured after 30 s of load was a third of the steady state.
echo "warming up (${warmup} s)..." >&2
wrk -t2 -c"$connections" -d"$((warmup * 5 / 6))s" -H 'X-API-Key: alice-demo-key' http://127.0.0.1:8080/api/accounts/acc-alice-1 >/dev/null
wrk -t2 -c"$connections" -d"$((warmup / 6))s" http://127.0.0.1:8080/api/accounts/acc-bob-1 -H 'X-API-Key: alice-demo-key' >/dev/null

run "upstream alone: GET account"              http://127.0.0.1:9080/api/accounts/acc-alice-1
run "gateway: GET account (key, permit)"       http://127.0.0.1:8080/api/accounts/acc-alice-1 -H 'X-API-Key: alice-demo-key'
run "gateway: GET public branches"             http://127.0.0.1:8080/api/branches
run "gateway: GET account, no key (401)"       http://127.0.0.1:8080/api/accounts/acc-alice-1
run "gateway: GET other's account (403 resp.)" http://127.0.0.1:8080/api/accounts/acc-bob-1 -H 'X-API-Key: alice-demo-key'
# HTTP Basic: the first login costs one bcrypt check (cost 10 in the demo), then the verified-credentials cache answers
run "gateway: GET account, HTTP Basic"           http://127.0.0.1:8080/api/accounts/acc-alice-1 -H "Authorization: Basic $(printf %s alice:alice-demo-password | base64)"
token=$(java -jar camel-routes/target/portcullis-gateway.jar jwt mint --key examples/config/jwt/demo-signing-key.json \
          --subject alice --roles customer --attribute accounts=acc-alice-1 --ttl 1h)
run "gateway: GET account, JWT (RS256)"          http://127.0.0.1:8080/api/accounts/acc-alice-1 -H "Authorization: Bearer $token"
