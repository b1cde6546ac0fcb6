#!/usr/bin/env bash
# `npm test` as a new user's machine runs it (issue 12): a fresh clone of the committed HEAD, with every cache the
# run could lean on pointed at new, empty temporary folders: pnpm's store, metadata cache and state, npm's cache,
# corepack's home and the XDG cache/data/state directories. Configuration is kept (~/.npmrc, ~/.config/pnpm: the
# registry and its CA certificates are settings, not caches), and so are the installed Debian packages and the global
# pnpm, which setup.sh would install the same way.
#
#   scripts/test-empty-caches.sh                       npm test in the clone
#   scripts/test-empty-caches.sh --keep                … and keep the scratch folder (clone, store, caches) afterwards
#   scripts/test-empty-caches.sh CMD ARG…              another command in the clone, e.g.
#   scripts/test-empty-caches.sh bash -c 'bash scripts/setup.sh && pnpm exec playwright test e2e/package-smoke.spec.ts'
#
# Only committed work is tested (it is a clone). Set E2E_DEMO_PORT when other Playwright runs share the machine.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
keep=0
if [ "${1:-}" = "--keep" ]; then
  keep=1
  shift
fi
[ $# -eq 0 ] && set -- npm test

scratch="$(mktemp -d "${TMPDIR:-/tmp}/savants-empty-caches.XXXXXX")"
cleanup() {
  if [ "$keep" = 1 ]; then echo "empty-caches: kept $scratch"; else rm -rf "$scratch"; fi
}
trap cleanup EXIT

git clone --quiet --no-local "$repo" "$scratch/repo"

# pnpm 10 reads its settings from npm_config_* variables; npm reads npm_config_cache.
export npm_config_store_dir="$scratch/pnpm-store"
export npm_config_cache_dir="$scratch/pnpm-cache"
export npm_config_state_dir="$scratch/pnpm-state"
export npm_config_cache="$scratch/npm-cache"
export COREPACK_HOME="$scratch/corepack"
export XDG_CACHE_HOME="$scratch/xdg-cache"
export XDG_DATA_HOME="$scratch/xdg-data"
export XDG_STATE_HOME="$scratch/xdg-state"
mkdir -p "$npm_config_store_dir" "$npm_config_cache_dir" "$npm_config_state_dir" "$npm_config_cache" "$COREPACK_HOME" \
  "$XDG_CACHE_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME"

cd "$scratch/repo"
echo "empty-caches: $(git log -1 --format='%h %s') in $scratch/repo"
echo "empty-caches: pnpm store $(pnpm store path), pnpm cache $(pnpm config get cache-dir)"
echo "empty-caches: running $*"
started=$(date +%s)
status=0
"$@" || status=$?
echo "empty-caches: exit $status after $(($(date +%s) - started)) s"
exit "$status"
