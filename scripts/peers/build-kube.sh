#!/usr/bin/env bash
# Builds the kube-apiserver test peer (test/peers/kube/go: real kube-apiserver + embedded etcd) from
# Go modules into ${XDG_CACHE_HOME:-$HOME/.cache}/gic/peers/kube-apiserver-<hash>, where <hash> covers
# go.mod, go.sum, *.go and the Go version; an existing binary is reused. Also resolves the CRD YAML
# the peer installs (Istio's from the istio.io/api module, Gateway API's from sigs.k8s.io/gateway-api)
# inside the Go module cache.
#
# stdout: one JSON line {"binary": PATH, "crds": [PATH, ...], "built": true|false}; progress on stderr.
# Needs Go >= 1.26 and the Go module proxy (or a filled module cache). Downloads nothing else.
set -euo pipefail

# The same istio.io/api as the Istio oracle's go.mod and test/support/istio-crds.ts: one pin for all.
ISTIO_API_VERSION=v1.31.0-rc.0.0.20260824154656-b943409680a7
GATEWAY_API_VERSION=v1.6.3

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
src="$repo_root/test/peers/kube/go"

log() { printf 'build-kube: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

command -v go >/dev/null 2>&1 || die "Go is not installed (need go >= 1.26 on PATH)"
go_version="$(go env GOVERSION)"
# Go builds the module with the toolchain named by go.mod or newer; refuse clearly when it is older.
case "$go_version" in
  go1.2[6-9]* | go1.[3-9][0-9]* | go[2-9]*) ;;
  *) die "Go $go_version is too old: kube-apiserver v1.36 needs go >= 1.26" ;;
esac

hash="$(
  cd "$src"
  { echo "$go_version"; for f in go.mod go.sum $(ls -- *.go | LC_ALL=C sort); do echo "== $f"; cat "$f"; done; } |
    sha256sum | cut -c1-16
)"
out_dir="${XDG_CACHE_HOME:-$HOME/.cache}/gic/peers"
binary="$out_dir/kube-apiserver-$hash"

built=false
if [[ -x "$binary" ]]; then
  log "reusing $binary"
else
  mkdir -p "$out_dir"
  k8s_version="$(awk '$1 == "k8s.io/kubernetes" { print $2; exit }' "$src/go.mod")"
  [[ -n "$k8s_version" ]] || die "k8s.io/kubernetes not found in $src/go.mod"
  minor="${k8s_version#v1.}"; minor="${minor%%.*}"
  pkg=k8s.io/component-base/version
  ldflags="-s -w -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  log "building kube-apiserver $k8s_version peer with $go_version (first build downloads ~200 MB of modules and compiles for several minutes)"
  start=$(date +%s)
  tmp="$binary.tmp.$$"
  trap 'rm -f "$tmp"' EXIT
  (cd "$src" && GOFLAGS=-mod=readonly go build -trimpath -ldflags "$ldflags" -o "$tmp" .) ||
    die "go build failed in $src"
  mv -f "$tmp" "$binary"
  trap - EXIT
  built=true
  log "built $binary in $(( $(date +%s) - start ))s"
fi

# Module directories in the module cache, resolved outside any module so go.mod stays untouched.
module_dir() {
  local json
  json="$(cd / && GOFLAGS=-mod=mod GOWORK=off go mod download -json "$1" 2>&1)" || die "go mod download $1 failed: $json"
  printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p'
}
istio_dir="$(module_dir "istio.io/api@$ISTIO_API_VERSION")"
istio_crds="$istio_dir/kubernetes/customresourcedefinitions.gen.yaml"
[[ -f "$istio_crds" ]] || die "no $istio_crds in istio.io/api@$ISTIO_API_VERSION"
gateway_dir="$(module_dir "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION")"
gateway_crds="$gateway_dir/config/crd/standard"
[[ -d "$gateway_crds" ]] || die "no $gateway_crds in sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION"

printf '{"binary":"%s","crds":["%s","%s"],"built":%s}\n' "$binary" "$istio_crds" "$gateway_crds" "$built"
