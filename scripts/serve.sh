#!/usr/bin/env bash
# Serve the app (development server) with a background job worker beside it. Stopping either
# (Ctrl-C, SIGTERM, or the server exiting) stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

.venv/bin/flask --app wsgi worker &
worker=$!
.venv/bin/python wsgi.py &
server=$!

stop() {
    kill -TERM "$server" "$worker" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait "$server"
