#!/usr/bin/env bash
# A private Docker engine for the image build, compose and cluster tests: its own socket,
# data-root, exec-root, pidfile and bridge, so it never touches a system Docker (or another
# helper's engine) and is stopped by its PID.
#
#   infra/docker/dockerd.sh start    # idempotent; prints `export DOCKER_HOST=...`
#   infra/docker/dockerd.sh stop     # stops it by PID, removes its bridge and iptables rules
#   infra/docker/dockerd.sh status   # exit 0 when it answers
#   eval "$(infra/docker/dockerd.sh env)"
#
# State lives in $K8S_APP_MONITOR_DOCKER (default ~/.cache/k8s-app-monitor/docker): the data-root
# stays between runs, so base images and build layers are warm the next time; the exec-root (sockets,
# container state) is short-lived and removed on stop. Settings: DOCKERD_BRIDGE (name, <= 15 chars),
# DOCKERD_BRIDGE_CIDR (its address), DOCKERD_POOL (user-defined networks such as compose's).
set -euo pipefail

STATE="${K8S_APP_MONITOR_DOCKER:-${HOME}/.cache/k8s-app-monitor/docker}"
DATA_ROOT="${STATE}/data"
EXEC_ROOT="${STATE}/exec"
SOCK="${STATE}/docker.sock"
PIDFILE="${STATE}/dockerd.pid"
LOG="${STATE}/dockerd.log"
BRIDGE="${DOCKERD_BRIDGE:-kam-docker0}"
BRIDGE_CIDR="${DOCKERD_BRIDGE_CIDR:-10.212.0.1/24}"
POOL="${DOCKERD_POOL:-10.213.0.0/16}"
export DOCKER_HOST="unix://${SOCK}"

running_pid() {
  [[ -s "$PIDFILE" ]] || return 1
  local pid
  pid="$(cat "$PIDFILE")"
  [[ -d "/proc/${pid}" && "$(cat "/proc/${pid}/comm" 2>/dev/null)" == dockerd ]] || return 1
  echo "$pid"
}

answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# Where the engine cannot run, say exactly what is missing (exit 69, EX_UNAVAILABLE).
probe() {
  local missing=()
  command -v dockerd >/dev/null || missing+=("dockerd (Debian package docker.io)")
  command -v docker >/dev/null || missing+=("the docker CLI")
  command -v ip >/dev/null || missing+=("ip (iproute2)")
  [[ $EUID -eq 0 ]] || missing+=("root (dockerd needs it here; rootless is not set up)")
  [[ -w /sys/fs/cgroup ]] || grep -q ' /sys/fs/cgroup/[^ ]* cgroup rw' /proc/mounts || missing+=("writable cgroups")
  grep -qw overlay /proc/filesystems || missing+=("overlayfs")
  if ((${#missing[@]})); then
    echo "dockerd.sh: cannot run a Docker engine here: missing ${missing[*]}" >&2
    exit 69
  fi
}

start() {
  if running_pid >/dev/null && answers; then
    echo "export DOCKER_HOST=${DOCKER_HOST}"
    return
  fi
  probe
  mkdir -p "$DATA_ROOT" "$EXEC_ROOT"
  # Our own bridge, so the engine's default network never collides with docker0 of another engine.
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
    ip addr add "$BRIDGE_CIDR" dev "$BRIDGE"
    ip link set "$BRIDGE" up
  fi
  # dockerd turns the FORWARD policy to DROP; remember the policy to restore it on stop.
  [[ -s "${STATE}/forward-policy" ]] || iptables -S FORWARD | awk '$1 == "-P" { print $3 }' >"${STATE}/forward-policy"
  local started=$SECONDS
  setsid dockerd \
    --host "$DOCKER_HOST" \
    --data-root "$DATA_ROOT" \
    --exec-root "$EXEC_ROOT" \
    --pidfile "$PIDFILE" \
    --bridge "$BRIDGE" \
    --default-address-pool "base=${POOL},size=24" \
    --storage-driver overlay2 \
    --exec-opt native.cgroupdriver=cgroupfs \
    --log-driver json-file --log-opt max-size=10m \
    >"$LOG" 2>&1 </dev/null &
  local deadline=$((SECONDS + 60))
  until answers; do
    if ((SECONDS > deadline)); then
      echo "dockerd.sh: engine did not answer in 60 s; last log lines:" >&2
      tail -20 "$LOG" >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "dockerd.sh: engine $(docker version --format '{{.Server.Version}}') up in $((SECONDS - started)) s (pid $(running_pid))" >&2
  echo "export DOCKER_HOST=${DOCKER_HOST}"
}

# Rules dockerd added for our bridge and pool (it does not remove them itself). DOCKER* chains are
# shared by every engine on the host, so they are only removed when no other dockerd runs.
remove_iptables() {
  local pool_prefix="${POOL%%.0.0/*}."
  for table in filter nat; do
    iptables -t "$table" -S 2>/dev/null | grep -E -- "(-i|-o) ${BRIDGE}( |$)|-s ${pool_prefix}|-s ${BRIDGE_CIDR%.*}\.0/24" \
      | grep '^-A' | sed 's/^-A/-D/' | while read -r rule; do
        eval "iptables -t $table $rule" 2>/dev/null || true
      done || true
  done
  if ! pgrep -x dockerd >/dev/null; then
    for table in filter nat; do
      iptables -t "$table" -S 2>/dev/null | grep -E '^-A \S+ .*-j DOCKER' | sed 's/^-A/-D/' | while read -r rule; do
        eval "iptables -t $table $rule" 2>/dev/null || true
      done || true
      for chain in $(iptables -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^DOCKER/ { print $2 }'); do
        iptables -t "$table" -F "$chain" 2>/dev/null || true
      done
      for chain in $(iptables -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^DOCKER/ { print $2 }'); do
        iptables -t "$table" -X "$chain" 2>/dev/null || true
      done
    done
  fi
  if [[ -s "${STATE}/forward-policy" ]]; then
    iptables -P FORWARD "$(cat "${STATE}/forward-policy")"
    rm -f "${STATE}/forward-policy"
  fi
}

stop() {
  local pid
  if pid="$(running_pid)"; then
    # Containers first (compose leftovers), so their networks and mounts go with the engine.
    local ids=()
    mapfile -t ids < <(docker ps -aq 2>/dev/null || true)
    ((${#ids[@]} == 0)) || docker rm -f "${ids[@]}" >/dev/null 2>&1 || true
    docker network prune -f >/dev/null 2>&1 || true
    kill -TERM "$pid"
    local deadline=$((SECONDS + 30))
    while [[ -d "/proc/${pid}" ]] && ((SECONDS < deadline)); do sleep 0.2; done
    [[ ! -d "/proc/${pid}" ]] || kill -KILL "$pid"
    echo "dockerd.sh: stopped pid ${pid}" >&2
  fi
  remove_iptables
  if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link delete "$BRIDGE"; fi
  # Mounts the engine left under its roots (overlay layers, netns, shm) go before the exec-root.
  grep -oE " ${STATE}/[^ ]+" /proc/mounts | sort -r | while read -r mount; do umount -l "$mount" 2>/dev/null || true; done || true
  rm -rf "$EXEC_ROOT" "$SOCK" "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) running_pid >/dev/null && answers ;;
  env) echo "export DOCKER_HOST=${DOCKER_HOST}" ;;
  *)
    echo "usage: $0 start|stop|status|env" >&2
    exit 64
    ;;
esac
