#!/usr/bin/env bash
# Installs what `make run` and `make test` need on a fresh Debian 12 machine.
# Idempotent: each step checks first, so a second run takes a second.
set -euo pipefail

want_e2e=${1:-}

pkgs=(build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev
      libayatana-appindicator3-dev librsvg2-dev libxdo-dev
      xvfb xauth xdotool x11-utils webkit2gtk-driver imagemagick fonts-dejavu-core
      help2man nodejs npm)
# The tests also check the .deb with Debian's own package checker, and run the PostgreSQL
# engine against throwaway clusters of Debian's server (with certificates made by openssl).
if [ -n "$want_e2e" ]; then pkgs+=(lintian postgresql openssl); fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# node and npm may come from outside Debian (as on this machine kind): keep those.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]:-}"
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Every crate of the lock file, for every platform and dev-dependencies too: later steps
# (the About dialog's licence check, the package's copyright file) read them offline.
cargo fetch --locked --quiet

if [ -n "$want_e2e" ] && ! command -v tauri-driver >/dev/null; then
  echo "deps: installing tauri-driver"
  cargo install tauri-driver --locked --version 2.1.0
fi
