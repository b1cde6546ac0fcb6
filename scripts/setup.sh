#!/usr/bin/env bash
# One-time set-up, safe to run again: the browser engines from Debian (never a downloaded browser), pnpm, the
# workspace's packages. Each Debian package is installed only when missing, with --no-install-recommends.
#   Chromium: chromium. Firefox: firefox-esr. WebKit: webkit2gtk-driver (WebKitWebDriver + MiniBrowser), xvfb
#   (MiniBrowser has no headless mode). PulseAudio (pulseaudio, pulseaudio-utils): the Firefox test that captures
#   a WAV through the real capture path, a null sink's monitor.
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM_VERSION=10.34.9
# --no-browser: the demo needs no browser of ours (the user brings one); the tests do.
WANT_BROWSER=1
[ "${1:-}" = "--no-browser" ] && WANT_BROWSER=0

have_chromium() {
  [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ] && return 0
  # The same candidates as engines.ts, which the tests launch.
  [ -x /usr/bin/chromium ] || [ -x /usr/lib/chromium/chromium ] || [ -x /usr/bin/chromium-browser ]
}
have_firefox() { [ -x "${FIREFOX_PATH:-/usr/bin/firefox-esr}" ] || [ -x /usr/bin/firefox ]; }
have_webkit() { [ -x "${WEBKIT_DRIVER_PATH:-/usr/bin/WebKitWebDriver}" ] && ls /usr/lib/*/webkit2gtk-4.1/MiniBrowser >/dev/null 2>&1; }

if [ "$WANT_BROWSER" = 1 ]; then
  missing=()
  have_chromium || missing+=(chromium)
  have_firefox || missing+=(firefox-esr)
  have_webkit || missing+=(webkit2gtk-driver)
  command -v Xvfb >/dev/null || missing+=(xvfb)
  command -v pulseaudio >/dev/null || missing+=(pulseaudio)
  command -v paplay >/dev/null || missing+=(pulseaudio-utils)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing from Debian: ${missing[*]} (no browser download)"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION"
  npm install -g --no-fund --no-audit --loglevel=error "pnpm@$PNPM_VERSION"
fi

pnpm install --frozen-lockfile --prefer-offline --reporter=silent
