# Shared steps of the Go test-peer builds (sourced by scripts/peers/build-*.sh, never run directly; it lives
# in lib/ because peers-setup.sh runs every scripts/peers/*.sh): check the Go toolchain, hash the peer's
# Go sources, reuse the cached binary of that hash or build it and publish it atomically.
# It must not change the cache key or paths (a change would rebuild every cached peer binary).
# The sourcing script sets peer_name (the log prefix) before sourcing.

log() { printf '%s: %s\n' "$peer_name" "$*" >&2; }
die() { log "$*"; exit 1; }

# go_peer_require_go WHAT: sets go_version; dies unless Go >= 1.26 is on PATH (WHAT names who needs it).
go_peer_require_go() {
  command -v go >/dev/null 2>&1 || die "Go is not installed (need go >= 1.26 on PATH)"
  go_version="$(go env GOVERSION)"
  # Go builds the module with the toolchain named by go.mod or newer; refuse clearly when it is older.
  case "$go_version" in
    go1.2[6-9]* | go1.[3-9][0-9]* | go[2-9]*) ;;
    *) die "Go $go_version is too old: $1 needs go >= 1.26" ;;
  esac
}

# go_peer_binary SRC NAME: sets binary to the cache path ${XDG_CACHE_HOME:-~/.cache}/gic/peers/NAME-<hash>,
# <hash> covering the Go version, go.mod, go.sum and SRC's *.go (call go_peer_require_go first).
go_peer_binary() {
  local hash
  hash="$(
    cd "$1"
    { echo "$go_version"; for f in go.mod go.sum $(ls -- *.go | LC_ALL=C sort); do echo "== $f"; cat "$f"; done; } |
      sha256sum | cut -c1-16
  )"
  out_dir="${XDG_CACHE_HOME:-$HOME/.cache}/gic/peers"
  binary="$out_dir/$2-$hash"
}

# go_peer_build SRC LDFLAGS MESSAGE: sets built=false when $binary exists, else logs MESSAGE, builds SRC
# into a temporary file next to $binary, renames it into place (atomic) and sets built=true.
go_peer_build() {
  built=false
  if [[ -x "$binary" ]]; then
    log "reusing $binary"
    return
  fi
  mkdir -p "$out_dir"
  log "$3"
  local start tmp
  start=$(date +%s)
  tmp="$binary.tmp.$$"
  # shellcheck disable=SC2064 # expand now: tmp is local and gone when the trap runs
  trap "rm -f '$tmp'" EXIT
  (cd "$1" && GOFLAGS=-mod=readonly go build -trimpath -ldflags "$2" -o "$tmp" .) || die "go build failed in $1"
  mv -f "$tmp" "$binary"
  trap - EXIT
  built=true
  log "built $binary in $(( $(date +%s) - start ))s"
}
