#!/usr/bin/env bash
# Starts a local single-node Kafka broker (KRaft) as its own process, with the lp topics.
# Usage: deploy/start-kafka.sh [PORT]   (default 9092; data in runs/local/kafka-PORT, kept across runs)
# Stop: deploy/stop.sh   (or kill the pid in runs/local/kafka.pid)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
PORT="${1:-9092}"
ensure_built
DATA="$RUN_DIR/kafka-$PORT"
# `lp broker` is the same KRaft recipe as the embedded one (config/broker.properties), in its own JVM.
LP_JAVA_OPTS="${LP_JAVA_OPTS:--Xmx1g}" lp_java dev.lp.app.Main broker --port "$PORT" --data-dir "$DATA" \
  >"$RUN_DIR/kafka.log" 2>&1 &
echo $! >"$RUN_DIR/kafka.pid"
wait_port "127.0.0.1:$PORT" 60
echo "kafka up at 127.0.0.1:$PORT (pid $(cat "$RUN_DIR/kafka.pid"), log $RUN_DIR/kafka.log)"
