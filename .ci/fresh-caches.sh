#!/usr/bin/env bash
# Guard for the README's promise that `make test` and `make run` work on a fresh machine:
# a copy of this checkout runs the deps step and the About dialog's licence check with
# empty cargo and npm caches (the registries are reachable), as a new clone would. A step
# that reads crates or npm packages before the deps step fetched them fails here, on any
# machine, instead of only on a fresh one.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/checkout"
git ls-files -z --cached --others --exclude-standard | tar -c --null -T - | tar -x -C "$tmp/checkout"

export CARGO_HOME="$tmp/cargo" npm_config_cache="$tmp/npm"
start=$SECONDS
cd "$tmp/checkout"
bash .ci/deps.sh
make --no-print-directory ui/node_modules/.package-lock.json >/dev/null
(cd ui && node scripts/licenses.mjs --check >/dev/null)
echo "fresh caches: deps step and licence check pass with empty cargo and npm caches ($((SECONDS - start)) s)"
