#!/usr/bin/env bash
# A user's build, measured: ./sdk-call (one searchCustomersPost through the
# SDK) against ./raw-call (the same call with reqwest + serde + serde_json +
# tokio alone), for each TLS provider: clean debug and release build times,
# crates compiled, release binary size. Each build gets a fresh target
# directory (removed afterwards); the two projects alternate so drift in the
# machine's load lands on both. Prints Markdown table rows with the load.
#
#   tests/footprint/measure.sh                 # both providers
#   tests/footprint/measure.sh ring            # one of aws-lc, ring
#   tests/footprint/measure.sh sdk-crate       # the workspace's clean `cargo build -p imprint-sdk`
#   tests/footprint/measure.sh debug ring 3    # clean debug builds only, 3 alternating rounds
#   tests/footprint/measure.sh release ring 3  # the same with release builds
#   SDK_FEATURES=webhooks tests/footprint/measure.sh debug   # the SDK with webhook verification
#   tests/footprint/measure.sh partner 3       # ./partner-tests: `cargo build`, then `cargo build --tests`
#
# Versions come from each project's Cargo.lock (a trimmed copy of the
# workspace's), so `--locked` holds; the crates must be in cargo's cache or
# downloadable.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
scratch=${FOOTPRINT_SCRATCH:-/tmp/imprint-footprint}
load() { cut -d' ' -f1 /proc/loadavg; }

# build <dir> <profile flag or ""> <features> [keep]: prints "seconds crates";
# from a fresh target directory unless `keep` is given.
build() {
  local dir=$1 profile=$2 features=$3 target="$scratch/target"
  [ -n "${4:-}" ] || rm -rf "$target"
  local log="$scratch/log" start end
  mkdir -p "$scratch"
  start=$(date +%s.%N)
  (cd "$dir" && CARGO_TARGET_DIR="$target" CARGO_TERM_PROGRESS_WHEN=never \
    cargo build --locked $profile $features 2>"$log")
  end=$(date +%s.%N)
  echo "$(echo "$end - $start" | bc) $(grep -c '^ *Compiling ' "$log")"
}

provider() {
  local tls=$1 features="--no-default-features --features $1"
  local row=() sizes=()
  for profile in "" --release; do
    for project in raw-call sdk-call; do
      local before; before=$(load)
      read -r seconds crates < <(build "$here/$project" "$profile" "$features")
      local kind=${profile:+release}; kind=${kind:-debug}
      echo "| $tls | $project | clean $kind build | $(printf %.1f "$seconds") s | $crates crates | load $before→$(load) |"
      if [ -n "$profile" ]; then
        local bin="$scratch/target/release/$project"
        strip -o "$scratch/stripped" "$bin"
        echo "| $tls | $project | release binary | $(stat -c %s "$bin") bytes | stripped $(stat -c %s "$scratch/stripped") bytes | |"
      fi
    done
  done
  rm -rf "$scratch/target"
}

# Clean builds of one profile (debug or release) of both projects,
# alternating, with each round's ratio.
rounds() {
  local kind=$1 tls=$2 rounds=$3 features="--no-default-features --features $2"
  local profile=""
  [ "$kind" = release ] && profile=--release
  for round in $(seq "$rounds"); do
    local before; before=$(load)
    read -r raw raw_crates < <(build "$here/raw-call" "$profile" "$features")
    read -r sdk sdk_crates < <(build "$here/sdk-call" "$profile" "$features${SDK_FEATURES:+,$SDK_FEATURES}")
    echo "| $tls${SDK_FEATURES:+ + $SDK_FEATURES} | round $round | clean $kind build | raw $(printf %.1f "$raw") s ($raw_crates crates) | SDK $(printf %.1f "$sdk") s ($sdk_crates crates) | $(echo "scale=3; $sdk / $raw" | bc)× | load $before→$(load) |"
  done
  rm -rf "$scratch/target"
}

# A partner's project (the SDK in dependencies, the fake in dev-dependencies):
# `cargo build`, then `cargo build --tests` in the same target directory, with
# the ratio and the SDK crates the second build compiled again.
partner() {
  local rounds=$1
  for round in $(seq "$rounds"); do
    local before; before=$(load)
    read -r first first_crates < <(build "$here/partner-tests" "" "")
    read -r tests tests_crates < <(build "$here/partner-tests" "--tests" "" keep)
    local again; again=$( (grep -E '^ *Compiling imprint-(sdk|types|webhooks) ' "$scratch/log" || true) | sed 's/^ *Compiling //; s/ .*//' | tr '\n' ' ')
    echo "| partner | round $round | cargo build $(printf %.1f "$first") s ($first_crates crates) | then cargo build --tests $(printf %.1f "$tests") s ($tests_crates crates) | $(echo "scale=3; $tests / $first" | bc)× | SDK crates compiled again: ${again:-none} | load $before→$(load) |"
  done
  rm -rf "$scratch/target"
}

case "${1:-all}" in
  all) provider aws-lc; provider ring ;;
  aws-lc|ring) provider "$1" ;;
  sdk-crate)
    before=$(load)
    read -r seconds crates < <(build "$here/../.." "-p imprint-sdk" "")
    echo "| imprint-sdk (workspace, default features) | clean debug build | $(printf %.1f "$seconds") s | $crates crates | load $before→$(load) |"
    rm -rf "$scratch/target" ;;
  debug|release) rounds "$1" "${2:-aws-lc}" "${3:-3}" ;;
  partner) partner "${2:-3}" ;;
  *) echo "usage: $0 [aws-lc|ring|sdk-crate|debug|release [aws-lc|ring] [rounds]|partner [rounds]]" >&2; exit 2 ;;
esac
