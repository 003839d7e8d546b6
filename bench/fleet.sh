#!/usr/bin/env bash
# A fleet: BENCH_CLUSTERS (default 2000) emulated clusters of BENCH_NAMESPACES (default 50) namespaces, one
# pull-secret binding each, two PullBridge replicas on one PostgreSQL; BENCH_SWEEPS (default 2) full reconcile sweeps.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "cores: $(nproc)"
# The fleet's clusters, both replicas and the benchmark share this JVM. The JDK's HTTP server (the emulated fleet)
# would otherwise close all but 200 idle connections after 30 s, hiding how many PullBridge keeps open.
./mvnw -B -ntp test -Dtest=FleetBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -DargLine="-Xmx3g -Dsun.net.httpserver.maxIdleConnections=100000 -Dsun.net.httpserver.idleInterval=3600" 2>&1 \
  | grep -a -E "==|\[bench\]|sweep|peak|calls|register|after the|threads by|Tests run:|BUILD|ERROR|FAIL|Exception" || true
