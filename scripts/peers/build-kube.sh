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

peer_name=build-kube
# shellcheck source=lib/go-peer.sh
source "$repo_root/scripts/peers/lib/go-peer.sh"

go_peer_require_go "kube-apiserver v1.36"
go_peer_binary "$src" kube-apiserver
k8s_version="$(awk '$1 == "k8s.io/kubernetes" { print $2; exit }' "$src/go.mod")"
[[ -n "$k8s_version" ]] || die "k8s.io/kubernetes not found in $src/go.mod"
minor="${k8s_version#v1.}"; minor="${minor%%.*}"
pkg=k8s.io/component-base/version
ldflags="-s -w -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
go_peer_build "$src" "$ldflags" \
  "building kube-apiserver $k8s_version peer with $go_version (first build downloads ~200 MB of modules and compiles for several minutes)"

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
