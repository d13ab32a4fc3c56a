#!/usr/bin/env bash
# Builds the Istio oracle test peer (test/peers/istio-oracle/go, linking istio.io/istio from the Go module
# proxy) into ${XDG_CACHE_HOME:-~/.cache}/gic/peers/istio-oracle-<hash of go.mod, go.sum, *.go, flags>/, next to
# the CRD definitions of the same istio module (crd-all.gen.yaml, read by the oracle at run time).
# Skips the build when that directory is complete. Prints the binary's path on stdout; progress on stderr.
# Exit 3 when Go is missing and nothing is cached (the peer is unavailable on this machine).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
src="$root/test/peers/istio-oracle/go"
ldflags="-s -w" # no symbol table or DWARF: a third smaller, links faster
hash=$( (cd "$src" && sha256sum go.mod go.sum ./*.go && echo "ldflags=$ldflags") | sha256sum | cut -c1-16)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/gic/peers"
dir="$cache/istio-oracle-$hash"
if [[ -x "$dir/oracle" && -f "$dir/crd-all.gen.yaml" ]]; then
  touch "$dir" # marks the build as in use (see the pruning below)
  echo "$dir/oracle"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "build-istio-oracle: go is not installed and $dir is not built" >&2
  exit 3
fi
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.istio-oracle-$hash.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
echo "build-istio-oracle: building $dir (istio.io/istio is large: a cold build takes minutes)" >&2
(cd "$src" && GOFLAGS=-mod=readonly go build -ldflags="$ldflags" -o "$tmp/oracle" .)
istio_dir=$(cd "$src" && GOFLAGS=-mod=readonly go list -m -f '{{.Dir}}' istio.io/istio)
cp "$istio_dir/manifests/charts/base/files/crd-all.gen.yaml" "$tmp/crd-all.gen.yaml"
chmod 0644 "$tmp/crd-all.gen.yaml"
chmod 0755 "$tmp"
# Publish atomically; a concurrent build of the same hash may have won the race, which is fine.
mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
trap - EXIT
# Builds of other sources: several checkouts (worktrees, branches) share this cache and a test run
# spawns the binary many times, so only builds nobody has used for a day are removed; removing every
# other build would pull the binary from under a concurrent run of another checkout.
find "$cache" -maxdepth 1 -type d -name 'istio-oracle-*' ! -path "$dir" -mmin +1440 -exec rm -rf {} + 2>/dev/null || true
echo "build-istio-oracle: built in $(( $(date +%s) - start ))s" >&2
echo "$dir/oracle"
