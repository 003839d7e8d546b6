#!/usr/bin/env bash
# A fleet: BENCH_CLUSTERS (default 2000) emulated clusters of BENCH_NAMESPACES (default 50) namespaces, one
# pull-secret binding each, two PullBridge replicas on one PostgreSQL; BENCH_SWEEPS (default 2) full reconcile sweeps.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "cores: $(nproc)"
# The fleet's clusters, both replicas and the benchmark share this JVM.
./mvnw -B -ntp test -Dtest=FleetBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DargLine="-Xmx3g" 2>&1 \
  | grep -a -E "==|\[bench\]|sweep|peak|calls|register|after the|threads by|Tests run:|BUILD|FAIL|Exception|message=" || true
# Why it failed, if it did: the assertion, without the application's log.
grep -a -h -o 'failure message="[^"]*"' target/surefire-reports/TEST-io.pullbridge.bench.FleetBenchmark.xml 2>/dev/null || true
