#!/usr/bin/env bash
# Make sure .venv exists and holds the project with its dev extras.
#
# Work is only done when needed: the venv is missing or broken, or
# pyproject.toml changed since the last successful install (tracked by the
# stamp file .venv/.installed). The fast path costs a couple of file tests,
# so every Makefile target can depend on this script.
#
# Quiet unless something fails; then the captured output is shown.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly VENV_DIR=.venv
readonly STAMP=$VENV_DIR/.installed
readonly MIN_PYTHON=3.11 # keep in step with requires-python in pyproject.toml

say() { printf 'ensure-python: %s\n' "$*" >&2; }
die() {
    say "$*"
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
        rm -f "$log"
        say "failed ($rc): $*"
        return "$rc"
    fi
    rm -f "$log"
}

venv_is_healthy() {
    # A venv whose base interpreter vanished has a dangling bin/python, and a
    # venv made without ensurepip has no pip: both need to be made again.
    [ -x "$VENV_DIR/bin/python" ] && [ -x "$VENV_DIR/bin/pip" ]
}

install_is_current() {
    [ -f "$STAMP" ] && [ "$STAMP" -nt pyproject.toml ]
}

check_python_version() {
    have python3 || die "python3 not found; install Python $MIN_PYTHON or newer"
    python3 -c "import sys; sys.exit(sys.version_info < tuple(map(int, '$MIN_PYTHON'.split('.'))))" ||
        die "python3 is $(python3 -V 2>&1 | cut -d' ' -f2); the project needs Python $MIN_PYTHON or newer"
}

# Debian and Ubuntu ship python3 without ensurepip; the venv module only
# works once python3-venv is installed (python3-dev covers any sdist that
# has to compile against the Python headers).
install_venv_support_with_apt() {
    say "python3 -m venv is not usable; installing python3-venv python3-dev with apt-get"
    run_quietly apt-get -o DPkg::Lock::Timeout=600 update
    DEBIAN_FRONTEND=noninteractive run_quietly \
        apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends python3-venv python3-dev
}

create_venv() {
    check_python_version
    say "creating $VENV_DIR"
    rm -rf "$VENV_DIR" # whatever is there is unusable (see venv_is_healthy)
    if python3 -m venv "$VENV_DIR" >/dev/null 2>&1; then
        return
    fi
    rm -rf "$VENV_DIR" # a failed attempt leaves a venv without pip behind
    if is_root && have apt-get; then
        install_venv_support_with_apt
        run_quietly python3 -m venv "$VENV_DIR" || {
            rm -rf "$VENV_DIR"
            exit 1
        }
    else
        die "'python3 -m venv' failed. On Debian/Ubuntu install the venv module first:" \
            "sudo apt-get install python3-venv python3-dev"
    fi
}

install_project() {
    say "installing the project and its dev extras into $VENV_DIR (first run takes a minute)"
    # Stamp with the time the install started, so an edit of pyproject.toml
    # made while pip runs still counts as newer than the install.
    touch "$STAMP.new"
    trap 'rm -f "$STAMP.new"' EXIT
    run_quietly "$VENV_DIR/bin/python" -m pip install --disable-pip-version-check -q --upgrade pip
    run_quietly "$VENV_DIR/bin/python" -m pip install --disable-pip-version-check -q -e '.[dev]'
    mv "$STAMP.new" "$STAMP"
}

main() {
    venv_is_healthy || create_venv
    install_is_current || install_project
}

main "$@"
