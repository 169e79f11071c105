#!/usr/bin/env bash
# Build the offline web app into pwa/dist/ (Vite), installing the npm packages from the lock file
# when they are missing or older than it. Skips the build when nothing changed since the last one.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "build-pwa: $*" >&2; }

ensure_node() {
  if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "installing Node.js and npm (apt-get)"
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >&2
    else
      say "Node.js 20.19 or newer with npm is needed: install it (e.g. from your package manager)"
      exit 1
    fi
  fi
  local major minor
  IFS=. read -r major minor _ <<<"$(node --version | tr -d v)"
  if [ "$major" -lt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -lt 19 ]; }; then
    say "Node.js $(node --version) is too old for the build: 20.19 or newer is needed"
    exit 1
  fi
}

install_packages() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages"
    npm ci --no-audit --no-fund --loglevel=error >&2
  fi
}

sources_changed() {
  [ -f pwa/dist/.built ] || return 0
  [ -n "$(find pwa/index.html pwa/src pwa/public service_worker vite.config.js package-lock.json \
    -newer pwa/dist/.built -print -quit 2>/dev/null)" ]
}

ensure_node
install_packages
if sources_changed; then
  say "building"
  npx --no-install vite build --logLevel warn >&2
  touch pwa/dist/.built
fi
