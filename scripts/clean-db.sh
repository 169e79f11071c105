#!/usr/bin/env bash
# Stop and delete the private PostgreSQL cluster that scripts/ensure-db.sh
# creates in .pgdata/ for non-root users. System clusters and servers named
# by DATABASE_URL are never touched.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly DATA_DIR=.pgdata

say() { printf 'clean-db: %s\n' "$*" >&2; }

# Any pg_ctl can stop any version's server (it only signals the postmaster
# whose pid is in postmaster.pid), so the first one found will do.
find_pg_ctl() {
    local candidate
    for candidate in "$(command -v pg_ctl || true)" /usr/lib/postgresql/*/bin/pg_ctl \
        /opt/homebrew/opt/postgresql@*/bin/pg_ctl /usr/local/opt/postgresql@*/bin/pg_ctl; do
        if [ -x "$candidate" ]; then
            echo "$candidate"
            return
        fi
    done
    return 1
}

stop_if_running() {
    [ -f "$DATA_DIR/postmaster.pid" ] || return 0
    local pg_ctl
    if ! pg_ctl=$(find_pg_ctl); then
        say "no pg_ctl found; stop the server with pid $(head -n 1 "$DATA_DIR/postmaster.pid") first"
        exit 1
    fi
    if "$pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1; then
        "$pg_ctl" -D "$DATA_DIR" -m fast -w stop >/dev/null
    fi
}

main() {
    if [ ! -d "$DATA_DIR" ]; then
        say "no private cluster ($DATA_DIR/ does not exist)"
        return
    fi
    stop_if_running
    rm -rf "$DATA_DIR"
    say "stopped and deleted the private cluster in $DATA_DIR/"
}

main "$@"
