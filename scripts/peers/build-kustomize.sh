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

peer_name=build-kustomize
# shellcheck source=lib/go-peer.sh
source "$repo_root/scripts/peers/lib/go-peer.sh"

go_peer_require_go "the kustomize API"
go_peer_binary "$src" kustomize-render
go_peer_build "$src" "-s -w" "building the kustomize renderer with $go_version"
printf '{"binary":"%s","built":%s}\n' "$binary" "$built"
