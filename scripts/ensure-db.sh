#!/usr/bin/env bash
# Print a SQLAlchemy URL for a PostgreSQL database named "waypoint" on a
# server where CREATE EXTENSION postgis can succeed, setting things up first
# when needed. Only the URL goes to stdout (Makefile recipes capture it);
# every progress or error message goes to stderr.
#
# Where the database comes from (first match wins):
#   a. DATABASE_URL is set: it is used as is, only checked.
#   b. A server answers on 127.0.0.1:5432: use it; as root, add PostGIS
#      with apt-get when it is missing.
#   c. Root, nothing answering: install (apt-get) and start the
#      distribution's PostgreSQL, with a "waypoint" superuser role.
#   d. Not root, PostgreSQL binaries present: a private cluster in .pgdata/
#      listening on 127.0.0.1:54329.
#   e. Otherwise: say what to install and exit 1.
#
# Idempotent; when everything already exists it costs a probe and one query.
set -euo pipefail
shopt -s inherit_errexit 2>/dev/null || true # bash >= 4.4: errexit inside $(...)
cd "$(dirname "$0")/.."

readonly DB_NAME=waypoint
readonly SYSTEM_HOST=127.0.0.1
readonly SYSTEM_PORT=5432
readonly PRIVATE_DIR=$PWD/.pgdata
readonly PRIVATE_PORT=54329
readonly PRIVATE_USER=waypoint
# Superuser role created on a system cluster whose TCP logins need a
# password (tests create databases and the postgis extension, hence SUPERUSER).
readonly APP_ROLE=waypoint
readonly APP_PASSWORD=waypoint
APT_LOCK_WAIT=(-o DPkg::Lock::Timeout=600) # wait for a running apt rather than fail

# Set by the functions below (globals rather than $(...) so that state such
# as "apt-get update already ran" survives).
URL=""          # the answer, printed by the last line of this script
LOGIN=""        # "user" or "user:password" of a superuser on the chosen server
SYSTEM_MAJOR="" # case c: PostgreSQL major version installed from packages
CLUSTER_PORT="" # case c: port of that version's "main" cluster

say() { printf 'ensure-db: %s\n' "$*" >&2; }
die() {
    local line
    for line in "$@"; do say "$line"; done
    exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a command with its output captured; print the output only if it fails.
run_quietly() {
    local log rc=0
    log=$(mktemp)
    "$@" >"$log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        cat "$log" >&2
        say "failed ($rc): $*"
    fi
    rm -f "$log"
    return "$rc"
}

# --- talking to a server -----------------------------------------------------

# postgresql+psycopg://... (SQLAlchemy) -> postgresql://... (libpq, psql)
libpq_uri() { printf 'postgresql://%s' "${1#*://}"; }

# Hide the password when a URL has to appear in a message.
redact() { sed -E 's#(://[^:/@]*):[^@]*@#\1:***@#' <<<"$1"; }

find_psql() {
    if have psql; then
        command -v psql
        return
    fi
    local candidate
    for candidate in $(postgres_bin_dirs); do
        if [ -x "$candidate/psql" ]; then
            echo "$candidate/psql"
            return
        fi
    done
    return 1
}

# Run one SQL statement against a libpq URI; print rows as a|b|c.
# psql is preferred because it starts fast; the project's psycopg is the
# fallback for machines whose server lives elsewhere (e.g. a container) and
# that have no client tools.
run_sql() {
    local uri=$1 sql=$2 psql
    if psql=$(find_psql); then
        PGCONNECT_TIMEOUT=5 "$psql" -X -w -q -A -t -v ON_ERROR_STOP=1 -d "$uri" -c "$sql"
    elif [ -x .venv/bin/python ]; then
        .venv/bin/python - "$uri" "$sql" <<'PY'
import sys

import psycopg

uri, sql = sys.argv[1], sys.argv[2]
with psycopg.connect(uri, autocommit=True, connect_timeout=5) as conn:
    cur = conn.execute(sql)
    if cur.description:
        for row in cur:
            print("|".join("" if v is None else str(v) for v in row))
PY
    else
        die "need psql or the project's virtualenv to talk to PostgreSQL" \
            "(run scripts/ensure-python.sh, or install the PostgreSQL client)"
    fi
}

# Checked before the first query, because read_server_facts hides errors.
require_sql_client() {
    find_psql >/dev/null || [ -x .venv/bin/python ] ||
        die "need psql or the project's virtualenv to talk to PostgreSQL" \
            "(run scripts/ensure-python.sh, or install the PostgreSQL client)"
}

# True when something accepts PostgreSQL connections on host:port. A server
# that is still starting up ("rejecting connections") is given a few seconds.
server_answers() {
    local host=$1 port=$2 attempt rc
    if ! have pg_isready; then
        # bash's /dev/tcp: a plain connect is enough to tell "nothing there".
        (exec 9<>"/dev/tcp/$host/$port") 2>/dev/null
        return
    fi
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        rc=0
        pg_isready -q -h "$host" -p "$port" -t 3 || rc=$?
        [ "$rc" -eq 1 ] || return "$rc"
        sleep 1
    done
    return 1
}

# One round trip telling everything this script needs about a server, as
# "is_superuser|major_version|postgis_available|waypoint_db_exists".
readonly FACTS_SQL="select r.rolsuper::int,
       current_setting('server_version_num')::int / 10000,
       (select count(*) from pg_available_extensions where name = 'postgis'),
       (select count(*) from pg_database where datname = '$DB_NAME')
  from pg_roles r where r.rolname = current_user"

# Sets the globals IS_SUPER, MAJOR, HAS_POSTGIS, HAS_DB; fails when the login fails.
read_server_facts() {
    local facts
    facts=$(run_sql "$1" "$FACTS_SQL" 2>/dev/null) || return 1
    IFS='|' read -r IS_SUPER MAJOR HAS_POSTGIS HAS_DB <<<"$facts"
}

create_database_if_missing() {
    local admin_uri=$1
    [ "$HAS_DB" = 1 ] && return
    say "creating database $DB_NAME"
    # A concurrent run may win the race; that is fine as long as it exists.
    run_sql "$admin_uri" "create database $DB_NAME" >/dev/null 2>&1 ||
        [ "$(run_sql "$admin_uri" "select count(*) from pg_database where datname = '$DB_NAME'")" = 1 ] ||
        die "could not create database $DB_NAME"
}

postgis_package() { echo "postgresql-$1-postgis-3"; }

# --- apt (root on Debian/Ubuntu) ----------------------------------------------

APT_UPDATED=no
apt_update_once() {
    [ "$APT_UPDATED" = yes ] && return
    say "apt-get update"
    # Another apt run (unattended upgrades, a provisioning script) may hold
    # the lists lock; wait for it rather than fail.
    local attempt
    for attempt in 1 2 3 4 5; do
        if run_quietly apt-get "${APT_LOCK_WAIT[@]}" update; then
            APT_UPDATED=yes
            return
        fi
        say "apt-get update failed (attempt $attempt); retrying in 15 s"
        sleep 15
    done
    die "apt-get update keeps failing"
}

apt_install() {
    apt_update_once
    say "apt-get install $* (takes a minute)"
    # C.UTF-8 so that a cluster created by the postgresql package's
    # postinst gets UTF8 encoding instead of SQL_ASCII on minimal systems.
    DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 run_quietly \
        apt-get "${APT_LOCK_WAIT[@]}" install -y --no-install-recommends "$@"
}

# Major version apt would install for the "postgresql" metapackage (e.g. 15).
candidate_postgres_major() {
    apt-cache depends postgresql 2>/dev/null |
        sed -n 's/^ *Depends: postgresql-\([0-9][0-9]*\)$/\1/p' | head -n 1
}

# --- case a: DATABASE_URL ------------------------------------------------------

use_database_url() {
    local url=$DATABASE_URL
    case $url in
    postgres://*) url="postgresql+psycopg://${url#postgres://}" ;;
    postgresql://*) url="postgresql+psycopg://${url#postgresql://}" ;;
    postgresql+psycopg://*) ;;
    *) say "warning: DATABASE_URL does not use postgresql+psycopg://; passing it on unchanged" ;;
    esac
    local has_postgis
    has_postgis=$(run_sql "$(libpq_uri "$url")" \
        "select count(*) from pg_available_extensions where name = 'postgis'") ||
        die "cannot connect to DATABASE_URL ($(redact "$url"))"
    [ "$has_postgis" = 1 ] ||
        say "warning: the server behind DATABASE_URL has no PostGIS; migrations will fail"
    URL=$url
}

# --- case b (and the end of case c): a server on 127.0.0.1 ----------------------

# Root on a distribution-packaged server: the postgres OS user can log in
# over the unix socket (peer auth) and create our role, whatever pg_hba says
# about TCP.
create_app_role_as_postgres() {
    local port=$1
    id postgres >/dev/null 2>&1 && have runuser && have psql || return 1
    say "creating superuser role $APP_ROLE (password $APP_PASSWORD) on port $port"
    (cd / && run_quietly runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d postgres -c "
        DO \$\$ BEGIN
          IF EXISTS (SELECT FROM pg_roles WHERE rolname = '$APP_ROLE') THEN
            ALTER ROLE $APP_ROLE WITH LOGIN SUPERUSER PASSWORD '$APP_PASSWORD';
          ELSE
            CREATE ROLE $APP_ROLE WITH LOGIN SUPERUSER PASSWORD '$APP_PASSWORD';
          END IF;
        END \$\$")
}

# Set LOGIN to the first login that is a superuser on 127.0.0.1:port (its
# facts stay in the globals). Passwordless logins come first (trust/pgpass);
# as root, the waypoint role is created when nothing else works.
find_superuser_login() {
    local port=$1 login
    for login in postgres "$(id -un)" "$APP_ROLE:$APP_PASSWORD"; do
        if read_server_facts "postgresql://$login@$SYSTEM_HOST:$port/postgres" && [ "$IS_SUPER" = 1 ]; then
            LOGIN=$login
            return 0
        fi
    done
    is_root && create_app_role_as_postgres "$port" || return 1
    LOGIN=$APP_ROLE:$APP_PASSWORD
    read_server_facts "postgresql://$LOGIN@$SYSTEM_HOST:$port/postgres" && [ "$IS_SUPER" = 1 ]
}

install_postgis_or_explain() {
    local port=$1 package
    package=$(postgis_package "$MAJOR")
    if ! is_root; then
        die "PostgreSQL $MAJOR on $SYSTEM_HOST:$port has no PostGIS. Install it, then run again:" \
            "  Debian/Ubuntu: sudo apt-get install $package" \
            "  macOS (Homebrew): brew install postgis"
    fi
    have apt-get || die "PostgreSQL $MAJOR on $SYSTEM_HOST:$port has no PostGIS; install PostGIS for it"
    apt_install "$package"
}

# Expects find_superuser_login to have succeeded for this port.
use_local_server() {
    local port=$1
    local admin_uri="postgresql://$LOGIN@$SYSTEM_HOST:$port/postgres"
    if [ "$HAS_POSTGIS" != 1 ]; then
        install_postgis_or_explain "$port"
        read_server_facts "$admin_uri" && [ "$HAS_POSTGIS" = 1 ] ||
            die "installed $(postgis_package "$MAJOR") but the server on port $port still has no PostGIS" \
                "(is that server running from another installation, e.g. a container?)"
    fi
    create_database_if_missing "$admin_uri"
    URL="postgresql+psycopg://$LOGIN@$SYSTEM_HOST:$port/$DB_NAME"
}

# --- case c: root, install and start the distribution's PostgreSQL -------------

# Highest PostgreSQL server version installed from distribution packages.
installed_server_major() {
    local newest
    newest=$(ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -n 1)
    [ -n "$newest" ] && echo "$newest" | cut -d/ -f5
}

postgis_installed_for() { [ -f "/usr/share/postgresql/$1/extension/postgis.control" ]; }

# Sets SYSTEM_MAJOR.
install_system_postgres() {
    if SYSTEM_MAJOR=$(installed_server_major) && have pg_ctlcluster; then
        postgis_installed_for "$SYSTEM_MAJOR" || apt_install "$(postgis_package "$SYSTEM_MAJOR")"
        return
    fi
    apt_update_once
    SYSTEM_MAJOR=$(candidate_postgres_major)
    [ -n "$SYSTEM_MAJOR" ] ||
        die "apt-get offers no 'postgresql' package; install PostgreSQL with PostGIS yourself"
    apt_install postgresql "$(postgis_package "$SYSTEM_MAJOR")"
}

main_cluster_line() { pg_lsclusters -h 2>/dev/null | awk -v v="$1" '$1 == v && $2 == "main"'; }

# Make sure cluster SYSTEM_MAJOR/main exists and runs; sets CLUSTER_PORT.
start_system_cluster() {
    local major=$SYSTEM_MAJOR line
    line=$(main_cluster_line "$major")
    if [ -z "$line" ]; then
        # The postgresql package normally creates it, unless that is
        # switched off in /etc/postgresql-common/createcluster.conf.
        say "creating PostgreSQL cluster $major/main"
        run_quietly pg_createcluster --locale=C.UTF-8 "$major" main
        line=$(main_cluster_line "$major")
    fi
    # Columns: version cluster port status owner datadir logfile
    if [ "$(awk '{print $4}' <<<"$line")" != online ]; then
        say "starting PostgreSQL cluster $major/main"
        # pg_ctlcluster switches to the cluster owner (PostgreSQL refuses to
        # run as root) and, with this flag, works without systemd too.
        run_quietly pg_ctlcluster --skip-systemctl-redirect "$major" main start
    fi
    CLUSTER_PORT=$(awk '{print $3}' <<<"$line")
}

use_system_postgres() {
    install_system_postgres
    start_system_cluster
    find_superuser_login "$CLUSTER_PORT" ||
        die "PostgreSQL $SYSTEM_MAJOR/main runs on port $CLUSTER_PORT but no superuser login works;" \
            "set DATABASE_URL to a URL that does"
    use_local_server "$CLUSTER_PORT"
}

# --- case d: private cluster in .pgdata/ ----------------------------------------

# Directories that may hold PostgreSQL server binaries, most preferred first:
# $PATH, then pg_config's answer, then versioned installs (newest first) as
# laid out by Debian/Ubuntu and Homebrew's keg-only postgresql@N formulas.
postgres_bin_dirs() {
    if have pg_ctl; then dirname "$(command -v pg_ctl)"; fi
    if have pg_config; then pg_config --bindir 2>/dev/null || true; fi
    ls -d /usr/lib/postgresql/*/bin /opt/homebrew/opt/postgresql@*/bin /usr/local/opt/postgresql@*/bin \
        2>/dev/null | sort -V -r || true
}

# A directory with initdb and pg_ctl; when .pgdata already exists, one whose
# version matches it (a cluster only starts with its own major version).
find_server_bindir() {
    local wanted="" dir
    [ -f "$PRIVATE_DIR/PG_VERSION" ] && wanted=$(cat "$PRIVATE_DIR/PG_VERSION")
    for dir in $(postgres_bin_dirs); do
        [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] || continue
        if [ -z "$wanted" ] || [ "$(server_major_of "$dir")" = "$wanted" ]; then
            echo "$dir"
            return
        fi
    done
    return 1
}

# "pg_ctl (PostgreSQL) 15.20" -> 15
server_major_of() { "$1/pg_ctl" --version | sed -E 's/.* ([0-9]+)[.0-9]*.*/\1/'; }

# C.UTF-8 where the OS has it (sensible case-insensitive matching of
# non-ASCII names), else plain C; either way the encoding is UTF8.
utf8_capable_locale() {
    locale -a 2>/dev/null | grep -i -m 1 -x -E 'c\.utf-?8' || echo C
}

init_private_cluster() {
    local bindir=$1
    say "creating a private PostgreSQL cluster in .pgdata/"
    run_quietly "$bindir/initdb" -D "$PRIVATE_DIR" -A trust -U "$PRIVATE_USER" \
        -E UTF8 --locale="$(utf8_capable_locale)"
}

start_private_cluster() {
    local bindir=$1 socket_option
    # The unix socket lives in .pgdata/ (the system socket directory is not
    # writable for us). Socket paths are limited to about 100 bytes, so in a
    # deeply nested checkout listen on TCP only.
    if [ $((${#PRIVATE_DIR} + 20)) -lt 100 ]; then
        socket_option="-k '$PRIVATE_DIR'"
    else
        socket_option="-c unix_socket_directories=''"
    fi
    say "starting the private PostgreSQL cluster on $SYSTEM_HOST:$PRIVATE_PORT"
    if ! run_quietly "$bindir/pg_ctl" -D "$PRIVATE_DIR" -l "$PRIVATE_DIR/log" -w -t 60 \
        -o "-p $PRIVATE_PORT -c listen_addresses=$SYSTEM_HOST $socket_option" start; then
        tail -n 20 "$PRIVATE_DIR/log" >&2 || true
        die "the private cluster did not start (log: .pgdata/log; 'make clean-db' discards it)"
    fi
}

readonly PRIVATE_ADMIN_URI="postgresql://$PRIVATE_USER@$SYSTEM_HOST:$PRIVATE_PORT/postgres"

private_cluster_is_running() {
    [ -f "$PRIVATE_DIR/postmaster.pid" ] && read_server_facts "$PRIVATE_ADMIN_URI"
}

use_private_cluster() {
    local admin_uri=$PRIVATE_ADMIN_URI bindir
    if ! private_cluster_is_running; then
        bindir=$(find_server_bindir)
        [ -f "$PRIVATE_DIR/PG_VERSION" ] || init_private_cluster "$bindir"
        start_private_cluster "$bindir"
        read_server_facts "$admin_uri" ||
            die "the private cluster runs but does not accept $PRIVATE_USER on port $PRIVATE_PORT"
    fi
    if [ "$HAS_POSTGIS" != 1 ]; then
        die "the private PostgreSQL $MAJOR cluster has no PostGIS. Install it, then run again:" \
            "  Debian/Ubuntu: sudo apt-get install $(postgis_package "$MAJOR")" \
            "  macOS (Homebrew): brew install postgis"
    fi
    create_database_if_missing "$admin_uri"
    URL="postgresql+psycopg://$PRIVATE_USER@$SYSTEM_HOST:$PRIVATE_PORT/$DB_NAME"
}

# --- case e ---------------------------------------------------------------------

explain_what_to_install() {
    local major
    major=$(have apt-cache && candidate_postgres_major || true)
    if is_root; then
        die "no PostgreSQL server answers on $SYSTEM_HOST:$SYSTEM_PORT and this system has no apt-get." \
            "Install PostgreSQL with PostGIS and start it on port $SYSTEM_PORT," \
            "or run as a normal user with PostgreSQL installed (a private cluster is made in .pgdata/)," \
            "or set DATABASE_URL=postgresql://USER:PASSWORD@HOST:PORT/$DB_NAME"
    fi
    die "no usable PostgreSQL found. Install PostgreSQL with PostGIS, then run again:" \
        "  Debian/Ubuntu: sudo apt-get install postgresql $(postgis_package "${major:-<version>}")" \
        "                 (or run make as root, which installs and starts it)" \
        "  macOS (Homebrew): brew install postgresql postgis" \
        "or set DATABASE_URL=postgresql://USER:PASSWORD@HOST:PORT/$DB_NAME"
}

# --------------------------------------------------------------------------------

main() {
    if [ -n "${DATABASE_URL:-}" ]; then
        require_sql_client
        use_database_url
        return
    fi
    if server_answers "$SYSTEM_HOST" "$SYSTEM_PORT"; then
        require_sql_client
        if find_superuser_login "$SYSTEM_PORT"; then
            use_local_server "$SYSTEM_PORT"
            return
        fi
        is_root && die "a server answers on $SYSTEM_HOST:$SYSTEM_PORT but no superuser login works" \
            "(tried postgres, $(id -un), $APP_ROLE, and creating $APP_ROLE as the postgres OS user);" \
            "set DATABASE_URL to a URL that does"
        say "cannot log in as a superuser on $SYSTEM_HOST:$SYSTEM_PORT (tried postgres, $(id -un)," \
            "$APP_ROLE); using a private cluster instead"
    elif is_root && have apt-get; then
        use_system_postgres
        return
    fi
    if ! is_root && { private_cluster_is_running || find_server_bindir >/dev/null; }; then
        use_private_cluster
        return
    fi
    explain_what_to_install
}

# Everything main runs writes to stderr. (A redirection rather than an extra
# file descriptor: bash keeps the saved stdout close-on-exec, so a server
# started on the way cannot inherit it and keep `$(ensure-db.sh)` waiting.)
main "$@" >&2
printf '%s\n' "$URL"
