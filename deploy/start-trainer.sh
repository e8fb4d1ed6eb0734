#!/usr/bin/env bash
# Starts the trainer in the background; its options are `lp train`'s (./lp train --help).
# Usage: deploy/start-trainer.sh [train options...]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_built
LP_JAVA_OPTS="${LP_JAVA_OPTS:--Xmx6g}" lp_java dev.lp.app.Main train "$@" >"$RUN_DIR/trainer.log" 2>&1 &
echo $! >"$RUN_DIR/trainer.pid"
echo "trainer started (pid $!, log $RUN_DIR/trainer.log)"
