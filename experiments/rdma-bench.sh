#!/usr/bin/env bash
# Read bandwidth/latency sweep of the RDMA providers beside memcpy, TCP ping-pong and iperf3,
# printed as a markdown table with the issue's targets and ratios.
#
#   experiments/rdma-bench.sh                 # soft and shm, 2 s per configuration
#   SECONDS_PER=5 PROVIDERS=soft experiments/rdma-bench.sh
#   experiments/rdma-bench.sh --size 64,1048576 --outstanding 1,16,64   # extra flags pass through
#
# Uses cli/target/rkv.jar (rkv rdma-bench) when it exists, else the compiled classes of
# rdma/ and experiments/ (building them with Maven if needed).
set -euo pipefail
cd "$(dirname "$0")/.."
PROVIDERS="${PROVIDERS:-soft,shm}"
SECONDS_PER="${SECONDS_PER:-2}"
ARGS=(--provider "$PROVIDERS" --op read --seconds "$SECONDS_PER" --sweep --compare "$@")

if [[ -f cli/target/rkv.jar ]] && java -jar cli/target/rkv.jar rdma-bench --help >/dev/null 2>&1; then
  exec java -jar cli/target/rkv.jar rdma-bench "${ARGS[@]}"
fi
if [[ ! -f experiments/target/classes/dev/rkv/experiments/rdma/RdmaBench.class ]]; then
  mvn -B -q -pl experiments -am compile
fi
DISNI_JAR="$(find "${HOME}/.m2/repository/com/ibm/disni/disni" -name 'disni-*.jar' | head -1)"
exec java -cp "experiments/target/classes:rdma/target/classes:${DISNI_JAR}" \
  dev.rkv.experiments.rdma.RdmaBench "${ARGS[@]}"
