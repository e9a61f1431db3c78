#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine: installs what the tests need (idempotently), builds
# the board, then runs lint, typecheck, unit, integration and end-to-end tests. Tests start their own Mosquitto, influxd,
# Chromium and ffmpeg camera streams on ephemeral ports with temporary data directories.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v influxd >/dev/null 2>&1 || [ -x /usr/bin/influxd ] || need+=(influxdb)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
command -v ffmpeg >/dev/null 2>&1 || [ -x /usr/bin/ffmpeg ] || need+=(ffmpeg)
# the edge link test: a network namespace with tc tbf (iproute2)
{ command -v ip >/dev/null 2>&1 && command -v tc >/dev/null 2>&1; } || [ -x /usr/sbin/tc ] || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core >/dev/null
fi
# Debian starts the packaged services on install; the tests use their own instances on other ports.

# Install from the lockfile when node_modules is missing or older than it; better-sqlite3 compiles from
# source here (~100 s). Not `npm ci`: this registry lacks some other platforms' optional builds of
# unrs-resolver (eslint's resolver), which `npm ci` counts as a lockfile mismatch; `npm install` skips them.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi

# CI checks what a reviewer would: lint (layering, cycles, floating promises) and strict types first
if [ $# -eq 0 ]; then
  npm run lint
  npm run typecheck
fi
npm run build
npx vitest run "$@"
