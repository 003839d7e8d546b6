#!/usr/bin/env bash
# Job engine throughput: no-op jobs through the whole path, on one replica and on two replicas sharing one
# embedded PostgreSQL database. BENCH_JOBS sets the batch size (default 5000).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "cores: $(nproc)"
./mvnw -B -ntp test -Dtest=JobEngineBenchmark -Dsurefire.failIfNoSpecifiedTests=false 2>&1 \
  | grep -a -E "==|jobs/s|replica|in flight|Tests run:|BUILD|ERROR" || true
