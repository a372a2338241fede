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

# The bundled rate limits (20 calls a second per caller) would turn this into a test of 429s: the
# gateway runs with a copy of the rules without them. The limiter's own cost is RateLimitBenchmark's.
rules=$(mktemp -d)
cp -r rules/. "$rules"
rm -f "$rules/limits/rate-limits.drl" "$rules"/tests/limits/*.yaml
# One client address sends everything here: the per-address bound on refusals before the rules is off.
config=examples/config/.load-test.yaml
sed 's/^network:.*/network:\n  maxRefusalsPerSecondPerAddress: 0/' examples/config/portcullis.yaml > "$config"
java -Xms512m -Xmx512m -jar camel-routes/target/portcullis-gateway.jar --config "$config" --rules "$rules" >/dev/null 2>/tmp/portcullis-load.err &
gateway=$!
trap 'kill $gateway 2>/dev/null; wait $gateway 2>/dev/null || true; rm -rf "$rules" "$config"' EXIT
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

# SOAP face: a UsernameToken request (no nonce, so wrk may repeat it within the Timestamp's 5 minutes),
# schema-checked, through the rules to the CXF service; the gateway signs each response (RSA-2048).
soap_lua=$(mktemp --suffix .lua)
trap 'kill $gateway 2>/dev/null; wait $gateway 2>/dev/null || true; rm -rf "$rules" "$config" "$soap_lua"' EXIT
soap_post() { # body file for wrk: method, headers and one message
  local now expires envelope
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ); expires=$(date -u -d '+5 minutes' +%Y-%m-%dT%H:%M:%SZ)
  envelope="<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\" xmlns:wsu=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd\"><s:Header><wsse:Security><wsu:Timestamp><wsu:Created>$now</wsu:Created><wsu:Expires>$expires</wsu:Expires></wsu:Timestamp><wsse:UsernameToken><wsse:Username>alice</wsse:Username><wsse:Password Type=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText\">alice-demo-password</wsse:Password></wsse:UsernameToken></wsse:Security></s:Header><s:Body><b:GetAccount xmlns:b=\"urn:portcullis:demo-bank\"><b:accountId>acc-alice-1</b:accountId></b:GetAccount></s:Body></s:Envelope>"
  if [ "${1:-}" = plain ]; then
    envelope="<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><b:GetAccount xmlns:b=\"urn:portcullis:demo-bank\"><b:accountId>acc-alice-1</b:accountId></b:GetAccount></s:Body></s:Envelope>"
  fi
  printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "text/xml; charset=utf-8"\nwrk.body = [[%s]]\n' "$envelope" > "$soap_lua"
}
soap_post plain
run "SOAP upstream alone: GetAccount"          http://127.0.0.1:9082/soap/bank -s "$soap_lua"
soap_post
wrk -t2 -c"$connections" -d30s -s "$soap_lua" http://127.0.0.1:8080/soap/bank >/dev/null
soap_post
run "gateway: SOAP GetAccount (UT, signed resp.)" http://127.0.0.1:8080/soap/bank -s "$soap_lua"

# GraphQL face: the same account read as one root field, validated against the SDL, costed, judged per
# root field and per response part; then two root fields in one request, and a query a rule refuses.
graphql_lua=$(mktemp --suffix .lua)
trap 'kill $gateway 2>/dev/null; wait $gateway 2>/dev/null || true; rm -rf "$rules" "$config" "$soap_lua" "$graphql_lua"' EXIT
graphql_post() { # query text (JSON-escaped)
  printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["X-API-Key"] = "alice-demo-key"\nwrk.body = [[{"query": "%s"}]]\n' "$1" > "$graphql_lua"
}
graphql_post '{ account(id: \"acc-alice-1\") { id owner balance currency } }'
run "GraphQL upstream alone: account"          http://127.0.0.1:9080/graphql -s "$graphql_lua"
wrk -t2 -c"$connections" -d30s -s "$graphql_lua" http://127.0.0.1:8080/graphql >/dev/null
run "gateway: GraphQL account (key, permit)"   http://127.0.0.1:8080/graphql -s "$graphql_lua"
graphql_post '{ branches { city } account(id: \"acc-alice-1\") { owner holder { name } } }'
run "gateway: GraphQL two root fields"         http://127.0.0.1:8080/graphql -s "$graphql_lua"
graphql_post '{ account(id: \"acc-alice-1\") { holder { accounts { holder { accounts { holder { accounts { holder { name } } } } } } } } }'
run "gateway: GraphQL too deep for alice (400)" http://127.0.0.1:8080/graphql -s "$graphql_lua"
