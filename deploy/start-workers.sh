#!/usr/bin/env bash
# Starts N synthesis workers (one JVM each) in one consumer group on a running broker.
# Usage: deploy/start-workers.sh N [BOOTSTRAP] [extra `lp serve` options...]
#   e.g. deploy/start-workers.sh 2 127.0.0.1:9092 --model scripted
# Workers beyond the partition count of lp.requests (4 by default) sit idle as standbys.
# OPS_PORT_BASE=P gives worker i the ops endpoint (/livez, /readyz, /metrics) on port P+i-1.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
N="${1:?usage: start-workers.sh N [BOOTSTRAP] [serve options]}"
BOOTSTRAP="${2:-127.0.0.1:9092}"
shift $(( $# >= 2 ? 2 : 1 ))
ensure_built
for ((i = 1; i <= N; i++)); do
  OPS=()
  if [[ -n "${OPS_PORT_BASE:-}" ]]; then
    OPS=(--ops-port $((OPS_PORT_BASE + i - 1)))
  fi
  HOSTNAME="lp-worker-$i" lp_java dev.lp.app.Main serve --bootstrap "$BOOTSTRAP" "${OPS[@]}" "$@" \
    >"$RUN_DIR/worker-$i.log" 2>&1 &
  echo $! >"$RUN_DIR/worker-$i.pid"
  echo "worker $i started (pid $!, log $RUN_DIR/worker-$i.log${OPS_PORT_BASE:+, ops on port $((OPS_PORT_BASE + i - 1))})"
done
