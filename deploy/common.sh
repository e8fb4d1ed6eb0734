#!/usr/bin/env bash
# Shared by the deploy scripts: the repository root and the application classpath (built once).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/src/target/lp.jar"
LIB="$ROOT/src/target/lib"
RUN_DIR="${LP_RUN_DIR:-$ROOT/runs/local}"
mkdir -p "$RUN_DIR"

# Builds the application (jar + dependency folder) when it is missing; ./lp rebuilds when stale.
ensure_built() {
  if [[ ! -f "$JAR" || ! -d "$LIB" ]]; then
    echo "deploy: building the application (mvn package, tests skipped)..." >&2
    (cd "$ROOT" && mvn -B -ntp -q -DskipTests package)
  fi
}

# Runs the application in place of the calling (sub)shell: call it in the background
# (`lp_java ... &`), so `$!` is the JVM's own pid and stop.sh's SIGTERM reaches the JVM.
lp_java() {
  export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=2147483648:glibc.malloc.top_pad=268435456}"
  exec java ${LP_JAVA_OPTS:--Xmx2g} -cp "$JAR:$LIB/*" "$@"
}

# Waits until HOST:PORT accepts TCP connections, or fails after $2 seconds.
wait_port() {
  local hostport="$1" secs="${2:-60}" host port
  host="${hostport%:*}"; port="${hostport##*:}"
  for ((i = 0; i < secs * 10; i++)); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "deploy: nothing listens on $hostport after ${secs}s" >&2
  return 1
}
