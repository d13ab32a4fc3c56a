#!/usr/bin/env bash
# Provisions the test peers of test/peers/: builds the Go peers (kube-apiserver + etcd, the Istio oracle)
# and fetches the Gerrit release war. Heavy builds are cached in the standard locations (Go module and
# build caches, ~/.m2) and the built binaries under ${XDG_CACHE_HOME:-~/.cache}/gic/peers, keyed by the
# content of their sources, so a warm run takes seconds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for step in "$here"/peers/*.sh; do
  echo "[peers-setup] $(basename "$step")" >&2
  start=$(date +%s)
  bash "$step"
  echo "[peers-setup] $(basename "$step") done in $(( $(date +%s) - start ))s" >&2
done
