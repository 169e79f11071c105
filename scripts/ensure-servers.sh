#!/usr/bin/env bash
# The multi-process tests start their own nginx (the example config in deploy/nginx/, with TLS
# from a certificate openssl makes) and their own redis-server. Install Debian's packages for
# whichever is missing when we are root; otherwise say what to install. Nothing is started here.
set -euo pipefail

# Debian puts nginx in /usr/sbin, which is not on a normal user's PATH.
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }

missing=()
have nginx || missing+=(nginx)
have redis-server || missing+=(redis-server)
have openssl || missing+=(openssl)
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-servers: installing ${missing[*]} (apt-get, takes a minute)" >&2
  log=$(mktemp)
  if apt-get -o DPkg::Lock::Timeout=600 update -qq >"$log" 2>&1 &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
    rm -f "$log"
    exit 0
  fi
  cat "$log" >&2
  echo "ensure-servers: installing ${missing[*]} failed (output above)" >&2
  exit 1
fi
echo "ensure-servers: the multi-process tests need ${missing[*]} (Debian: apt-get install ${missing[*]})" >&2
exit 1
