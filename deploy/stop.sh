#!/usr/bin/env bash
# Stops what the start scripts started (workers first, so they drain and commit, then the broker).
# Each process gets SIGTERM: workers finish running requests and commit before exiting.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
stop_pid_file() {
  local f="$1" pid
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for ((i = 0; i < 300 && $(kill -0 "$pid" 2>/dev/null && echo 1 || echo 0); i++)); do sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && echo "pid $pid ($f) still running after 30 s" >&2
  fi
  rm -f "$f"
}
for f in "$RUN_DIR"/worker-*.pid "$RUN_DIR"/trainer.pid; do stop_pid_file "$f"; done
stop_pid_file "$RUN_DIR/kafka.pid"
echo "stopped"
