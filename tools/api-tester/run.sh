#!/usr/bin/env bash
# Checks the fake Imprint server (`imprint fake serve`) against the vendored
# openapi.yaml with Schemathesis: examples, coverage, fuzzing and stateful
# phases, every check. Exits non-zero on any failure that expected_failures.py
# does not excuse (the spec's own gaps, each rule with its reason).
#
# Needs python3 (3.11+, with venv) and cargo; talks to PyPI once (the pinned
# install, into target/) and otherwise to 127.0.0.1 only. Extra arguments go
# to `st run` (e.g. --max-examples 20, --phases examples,coverage).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
out="$target/api-tester"
venv="$out/venv"
seed="${IMPRINT_FAKE_SEED:-42}"

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "run.sh: Schemathesis needs Python 3.11 or later" >&2; exit 2; }

# The venv is rebuilt when requirements.txt changes, and reused otherwise.
want="$(python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$here/requirements.txt")"
if [ "$(cat "$venv/.requirements-sha256" 2>/dev/null)" != "$want" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    --require-hashes --only-binary :all: -r "$here/requirements.txt"
  echo "$want" > "$venv/.requirements-sha256"
fi

cargo build --locked --quiet -p imprint-cli --manifest-path "$root/Cargo.toml"

mkdir -p "$out"
ready="$out/ready.json"
rm -f "$ready"
"$target/debug/imprint" fake serve --seed "$seed" > "$ready" &
fake=$!
stop_fake() {
  kill -TERM "$fake" 2>/dev/null || return 0
  wait "$fake"
}
trap 'stop_fake || true' EXIT

# The fake prints one line once it accepts connections.
for _ in $(seq 100); do
  [ -s "$ready" ] && break
  kill -0 "$fake" 2>/dev/null || { echo "run.sh: the fake exited before it was ready" >&2; exit 1; }
  sleep 0.1
done
[ -s "$ready" ] || { echo "run.sh: the fake printed no ready line in 10 s" >&2; exit 1; }
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$ready" "$1"; }
base_url="$(field base_url)"
# Through the environment (the config reads it), never on a command line.
IMPRINT_API_KEY="$(field api_key)"
export IMPRINT_API_KEY
export IMPRINT_TESTER_OUT="$out" IMPRINT_TESTER_DIR="$here"

status=0
# The hook module is loaded from the tree: no __pycache__ beside it.
PYTHONDONTWRITEBYTECODE=1 "$venv/bin/st" --config-file "$here/schemathesis.toml" run "$root/openapi.yaml" \
  --url "$base_url" "$@" || status=$?

# The fake must stop cleanly (exit 0 on SIGTERM) as well as answer well.
trap - EXIT
if ! stop_fake; then
  echo "run.sh: the fake did not stop cleanly" >&2
  status=1
fi
exit "$status"
