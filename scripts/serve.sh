#!/usr/bin/env bash
# Serve the app as production does (gunicorn -c gunicorn.conf.py: HTTP and websockets on one
# port) with a background job worker beside it. Stopping either (Ctrl-C, SIGTERM, or the server
# exiting) stops both. `python wsgi.py` is the development server, for working on the code.
set -euo pipefail
cd "$(dirname "$0")/.."

.venv/bin/flask --app wsgi worker &
worker=$!
.venv/bin/gunicorn -c gunicorn.conf.py &
server=$!
echo "Waypoint is serving on http://${HOST:-127.0.0.1}:${PORT:-8000}"

stop() {
    kill -TERM "$server" "$worker" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait "$server"
