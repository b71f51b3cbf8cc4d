#!/usr/bin/env bash
# Writes a docker-archive image tar (the format `ctr images import` reads) holding only the static
# pause binary built from pause.c, tagged $PAUSE_IMAGE. Cached: a second call is a no-op.
# Usage: pause-image.sh <out.tar>
set -euo pipefail
out=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/config.sh"
[[ -s $out && $out -nt $here/pause.c ]] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/rootfs" "$work/image"
gcc -static -Os -s -o "$work/rootfs/pause" "$here/pause.c"
tar --numeric-owner --owner=0 --group=0 --mtime=@0 -C "$work/rootfs" -cf "$work/image/layer.tar" pause
diff_id=sha256:$(sha256sum "$work/image/layer.tar" | cut -d' ' -f1)
cat >"$work/config.json" <<JSON
{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/pause"],"User":"65535:65535"},"rootfs":{"type":"layers","diff_ids":["$diff_id"]}}
JSON
config_sha=$(sha256sum "$work/config.json" | cut -d' ' -f1)
mv "$work/config.json" "$work/image/$config_sha.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["layer.tar"]}]\n' "$config_sha" "$PAUSE_IMAGE" >"$work/image/manifest.json"
(cd "$work/image" && tar -cf "$out.tmp" manifest.json layer.tar "$config_sha.json")
mv "$out.tmp" "$out"
