#!/usr/bin/env bash
# The end-to-end tests drive Debian's Chromium (Playwright cannot download browsers here).
# Install it when missing and we are root; otherwise say what to install.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-browser: installing chromium (apt-get, takes a minute)" >&2
  log=$(mktemp)
  if apt-get update -qq >"$log" 2>&1 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >>"$log" 2>&1; then
    rm -f "$log"
    exit 0
  fi
  cat "$log" >&2
  echo "ensure-browser: installing chromium failed (output above)" >&2
  exit 1
fi
echo "ensure-browser: the browser tests need Chromium on PATH as 'chromium' (Debian: apt-get install chromium)" >&2
exit 1
