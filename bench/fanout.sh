#!/usr/bin/env bash
# Fan-out: one pull-secret binding to BENCH_NAMESPACES (default 1000) namespaces of an emulated API server, time to
# Ready and API calls, beside a `kubectl create secret docker-registry` loop against the same server in the same run.
# kubectl is $KUBECTL, or the first kubectl on PATH; without one, that half is skipped and the output says so.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "cores: $(nproc)"
kubectl_bin="${KUBECTL:-$(command -v kubectl || true)}"
if [[ -z "$kubectl_bin" ]]; then
  echo "kubectl: not found (set KUBECTL or put kubectl on PATH); the kubectl half will be skipped"
fi
./mvnw -B -ntp test -Dtest=FanOutBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DargLine="-Xmx2g" 2>&1 \
  | grep -a -E "==|\[bench\]|kubectl|PullBridge,|Tests run:|BUILD|ERROR|FAIL|Exception" || true
