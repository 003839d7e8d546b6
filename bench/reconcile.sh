#!/usr/bin/env bash
# Steady-state reconciliation: BENCH_CLUSTERS (default 10) emulated clusters of BENCH_NAMESPACES (default 1000)
# in-sync namespaces each, one pull-secret binding per cluster; API calls and time of one reconcile pass.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "cores: $(nproc)"
# Ten mock API servers holding 1,000 namespaces, ServiceAccounts and secrets each live in the benchmark's JVM.
./mvnw -B -ntp test -Dtest=ReconcileBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DargLine="-Xmx3g" 2>&1 \
  | grep -a -E "==|\[bench\]|pass|per cluster|received|Tests run:|BUILD|ERROR|FAIL|Exception" || true
