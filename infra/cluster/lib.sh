# shellcheck shell=bash
# Helpers for up.sh (sourced): starting recorded processes, waiting, phase timings.

# start <name> <command...>: runs the command in its own session, logging to logs/<name>.log,
# and records "<name> <pid>" so down.sh stops it by PID.
start() {
  local name=$1
  shift
  setsid "$@" >"$CLUSTER_STATE/logs/$name.log" 2>&1 </dev/null &
  echo "$name $!" >>"$CLUSTER_STATE/pids"
}

# wait_for <what> <seconds> <command...>: retries the command until it succeeds.
wait_for() {
  local what=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "up: $what not ready after ${seconds}s; last log lines:" >&2
      tail -n 20 "$CLUSTER_STATE/logs/${what%% *}.log" 2>/dev/null >&2 || true
      return 1
    fi
    sleep 0.5
  done
}

phase_start() { PHASE_T0=$(date +%s%N); PHASE_T=$PHASE_T0; }
phase() {
  local now
  now=$(date +%s%N)
  printf 'up: %-45s %6.1f s\n' "$1" "$(((now - PHASE_T) / 1000000))e-3"
  PHASE_T=$now
}
phase_total() {
  printf 'up: %-45s %6.1f s\n' "total" "$((($(date +%s%N) - PHASE_T0) / 1000000))e-3"
}
