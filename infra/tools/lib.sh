# Sourced by the tool scripts: the pinned versions, the tool cache, and a stamp so a cached
# binary is reused only when it was built from the same version and flags.
# shellcheck shell=bash
# shellcheck source=../versions.env
source "$(dirname "${BASH_SOURCE[0]}")/../versions.env"
TOOLS="${K8S_APP_MONITOR_TOOLS:-$HOME/.cache/k8s-app-monitor/bin}"
mkdir -p "$TOOLS"

# cached NAME STAMP: true when $TOOLS/NAME exists and was built with STAMP.
cached() { [[ -x "$TOOLS/$1" && "$(cat "$TOOLS/.$1.stamp" 2>/dev/null)" == "$2" ]]; }
stamp() { printf '%s\n' "$2" >"$TOOLS/.$1.stamp"; }

# Reads a downloaded module's directory (it lands in GOMODCACHE).
module_dir() { (cd /tmp && go mod download -json "$1" | sed -n 's/^\s*"Dir": "\(.*\)",\?$/\1/p'); }
