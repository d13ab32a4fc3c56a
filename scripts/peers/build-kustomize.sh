#!/usr/bin/env bash
# Builds the kustomize renderer used by the deploy/ tests (test/peers/kustomize/go: the kustomize API,
# sigs.k8s.io/kustomize/api, behind a tiny main) into
# ${XDG_CACHE_HOME:-$HOME/.cache}/gic/peers/kustomize-render-<hash>, where <hash> covers go.mod, go.sum,
# *.go and the Go version; an existing binary is reused. There is no kubectl on the build machines.
#
# stdout: one JSON line {"binary": PATH, "built": true|false}; progress on stderr.
# Needs Go >= 1.26 and the Go module proxy (or a filled module cache). Downloads nothing else.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
src="$repo_root/test/peers/kustomize/go"

log() { printf 'build-kustomize: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

command -v go >/dev/null 2>&1 || die "Go is not installed (need go >= 1.26 on PATH)"
go_version="$(go env GOVERSION)"
case "$go_version" in
  go1.2[6-9]* | go1.[3-9][0-9]* | go[2-9]*) ;;
  *) die "Go $go_version is too old: the kustomize API needs go >= 1.26" ;;
esac

hash="$(
  cd "$src"
  { echo "$go_version"; for f in go.mod go.sum $(ls -- *.go | LC_ALL=C sort); do echo "== $f"; cat "$f"; done; } |
    sha256sum | cut -c1-16
)"
out_dir="${XDG_CACHE_HOME:-$HOME/.cache}/gic/peers"
binary="$out_dir/kustomize-render-$hash"

built=false
if [[ -x "$binary" ]]; then
  log "reusing $binary"
else
  mkdir -p "$out_dir"
  log "building the kustomize renderer with $go_version"
  start=$(date +%s)
  tmp="$binary.tmp.$$"
  trap 'rm -f "$tmp"' EXIT
  (cd "$src" && GOFLAGS=-mod=readonly go build -trimpath -ldflags "-s -w" -o "$tmp" .) || die "go build failed in $src"
  mv -f "$tmp" "$binary"
  trap - EXIT
  built=true
  log "built $binary in $(( $(date +%s) - start ))s"
fi
printf '{"binary":"%s","built":%s}\n' "$binary" "$built"
