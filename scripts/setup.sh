#!/usr/bin/env bash
# One-time set-up, safe to run again: Debian chromium (never a downloaded browser), pnpm, the workspace's packages.
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM_VERSION=10.34.9
# --no-browser: the demo needs no Chromium of ours (the user brings a browser); the tests do.
WANT_BROWSER=1
[ "${1:-}" = "--no-browser" ] && WANT_BROWSER=0

have_chromium() {
  [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ] && return 0
  # The same candidates as chromium.ts, which the tests launch.
  [ -x /usr/bin/chromium ] || [ -x /usr/lib/chromium/chromium ] || [ -x /usr/bin/chromium-browser ]
}
if [ "$WANT_BROWSER" = 1 ] && ! have_chromium; then
  echo "setup: installing Debian chromium (no browser download)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION"
  npm install -g --no-fund --no-audit --loglevel=error "pnpm@$PNPM_VERSION"
fi

pnpm install --frozen-lockfile --prefer-offline --reporter=silent
