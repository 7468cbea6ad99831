#!/usr/bin/env bash
# Installs a Switchboard .deb as a user would, runs the installed app headless, and removes it again.
# Builds nothing. Needs root (apt-get) and a machine where installing packages is fine; not part of
# the Maven build or CI.
#
#   sudo installer/verify-deb.sh target/installer/switchboard_0.1.0-1_amd64.deb
#
# Checks, each one fatal:
#   1. apt-get installs the .deb (pulling libgtk-3-0 and the other dependencies);
#   2. /opt/switchboard/bin/Switchboard --headless --port 0 --data-dir DIR prints the ready line
#      within READY_TIMEOUT seconds (default 90), and GET /health answers over TLS (when curl exists);
#   3. started as `switchboard` (the /usr/bin link) without --data-dir by a fresh unprivileged user (created for the check, deleted after),
#      the app keeps its files in that user's XDG folders (~/.config/switchboard,
#      ~/.local/share/switchboard, ~/.local/state/switchboard) and writes nothing under /opt/switchboard;
#   4. the app stops on SIGTERM;
#   5. apt-get remove takes /opt/switchboard, the menu entry and the /usr/bin link away (then dpkg --purge drops the record).
set -euo pipefail

READY_TIMEOUT="${READY_TIMEOUT:-90}"
STOP_TIMEOUT="${STOP_TIMEOUT:-30}"
PACKAGE=switchboard
INSTALL_DIR=/opt/switchboard
LAUNCHER="$INSTALL_DIR/bin/Switchboard"
COMMAND=/usr/bin/switchboard
DESKTOP_ENTRY=/usr/share/applications/switchboard-Switchboard.desktop

fail() { echo "verify-deb: FAIL: $*" >&2; exit 1; }
step() { echo "verify-deb: $*"; }

[ $# -eq 1 ] || { echo "usage: $0 path/to/switchboard_VERSION_ARCH.deb" >&2; exit 2; }
DEB="$(realpath "$1")"
[ -f "$DEB" ] || fail "no such file: $1"
[ "$(id -u)" -eq 0 ] || fail "needs root (apt-get install/remove); run with sudo"

WORK="$(mktemp -d)"
chmod 755 "$WORK"
APP_PID=""
INSTALLED=""
TEST_USER=""

cleanup() {
    local rc=$?
    if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
        kill -KILL "$APP_PID" 2>/dev/null || true
        wait "$APP_PID" 2>/dev/null || true
    fi
    if [ -n "$TEST_USER" ]; then
        userdel "$TEST_USER" || echo "verify-deb: could not delete the test user $TEST_USER" >&2
    fi
    if [ -n "$INSTALLED" ] && [ $rc -ne 0 ]; then
        echo "verify-deb: removing $PACKAGE after the failure" >&2
        apt-get remove -y "$PACKAGE" >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
    exit $rc
}
trap cleanup EXIT

# Starts the app in the background ($1: user to run as, $2: launcher path, rest: arguments); sets APP_PID.
# stdout (the start-up contract) goes to $WORK/out, stderr (logs) to $WORK/err.
start_app() {
    local user="$1" launcher="$2"; shift 2
    # Emptied here, not by the background job's redirection, so no earlier run's line is read.
    : > "$WORK/out"; : > "$WORK/err"
    if [ "$user" = root ]; then
        env -u DISPLAY HOME="$RUN_HOME" "$launcher" "$@" > "$WORK/out" 2> "$WORK/err" &
    else
        # setpriv keeps the PID (no intermediate shell), so SIGTERM reaches the app itself.
        # The JVM takes user.home from the user's passwd entry, as for any real user.
        env -u DISPLAY -u XDG_CONFIG_HOME -u XDG_DATA_HOME -u XDG_STATE_HOME HOME="$RUN_HOME" USER="$user" \
            setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups \
            "$launcher" "$@" > "$WORK/out" 2> "$WORK/err" &
    fi
    APP_PID=$!
    STARTED_NS=$(date +%s%N)
}

dump_output() {
    echo "--- stdout:" >&2; cat "$WORK/out" >&2
    echo "--- stderr:" >&2; cat "$WORK/err" >&2
}

# Waits for the ready line; prints the relay port.
await_ready() {
    local deadline=$((SECONDS + READY_TIMEOUT)) line
    while [ $SECONDS -lt $deadline ]; do
        line="$(grep -m1 '^Switchboard relay listening on wss://' "$WORK/out" || true)"
        if [ -n "$line" ]; then
            head -n1 "$WORK/out" | grep -q '^Switchboard relay listening on wss://' \
                || { dump_output; fail "the ready line is not the first line on stdout"; }
            echo "$line" | sed -E 's#.*:([0-9]+)/relay.*#\1#'
            return 0
        fi
        kill -0 "$APP_PID" 2>/dev/null || { dump_output; fail "the app exited before it was ready"; }
        sleep 0.1
    done
    dump_output
    fail "no ready line within ${READY_TIMEOUT}s"
}

check_health() {
    local port="$1" body
    if ! command -v curl >/dev/null; then
        step "curl not found: /health not checked"
        return 0
    fi
    body="$(curl -sk --max-time 10 "https://127.0.0.1:$port/health")" || fail "GET /health over TLS failed"
    echo "$body" | grep -q '"status":"ok"' || fail "unexpected /health answer: $body"
    step "GET https://127.0.0.1:$port/health -> $body"
}

stop_app() {
    kill -TERM "$APP_PID" 2>/dev/null || fail "the app was not running when asked to stop"
    local deadline=$((SECONDS + STOP_TIMEOUT))
    while kill -0 "$APP_PID" 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || fail "the app did not stop within ${STOP_TIMEOUT}s of SIGTERM"
        sleep 0.2
    done
    wait "$APP_PID" 2>/dev/null || true
    APP_PID=""
}

if dpkg -s "$PACKAGE" 2>/dev/null | grep -q '^Status: install ok'; then
    step "$PACKAGE is installed already; removing it first"
    apt-get remove -y "$PACKAGE" >/dev/null
fi

step "installing $DEB"
apt-get install -y "$DEB" > "$WORK/apt-install.log" 2>&1 || { cat "$WORK/apt-install.log" >&2; fail "apt-get install"; }
INSTALLED=yes
dpkg -s "$PACKAGE" | grep -q '^Status: install ok installed' || fail "dpkg does not list $PACKAGE as installed"
dpkg -s "$PACKAGE" | grep '^Depends:' | grep -q 'libgtk-3-0' || fail "the package does not depend on libgtk-3-0"
[ -x "$LAUNCHER" ] || fail "no launcher at $LAUNCHER"
[ "$(readlink "$COMMAND")" = "$LAUNCHER" ] || fail "$COMMAND is not a link to $LAUNCHER"
step "installed $(dpkg-query -W -f='${Package} ${Version}' "$PACKAGE"), $(du -sh "$INSTALL_DIR" | cut -f1) in $INSTALL_DIR"

# 1. Headless with --data-dir.
RUN_HOME="$WORK/root-home"; mkdir -p "$RUN_HOME"
DATA_DIR="$WORK/data-dir"
start_app root "$LAUNCHER" --headless --port 0 --data-dir "$DATA_DIR"
PORT="$(await_ready)"
step "ready (--data-dir) after $(( ($(date +%s%N) - STARTED_NS) / 1000000 )) ms: $(grep -m1 '^Switchboard relay listening' "$WORK/out")"
check_health "$PORT"
stop_app
[ -d "$DATA_DIR/config" ] && [ -d "$DATA_DIR/data" ] && [ -d "$DATA_DIR/state" ] \
    || fail "--data-dir $DATA_DIR has no config/data/state folders"

# 2. Headless without --data-dir, as a fresh unprivileged user: files go to that user's XDG folders.
RUN_USER="sbverify$$"
RUN_HOME="$WORK/home"
useradd --home-dir "$RUN_HOME" --create-home --shell /usr/sbin/nologin --user-group "$RUN_USER" \
    || fail "cannot create the test user $RUN_USER"
TEST_USER="$RUN_USER"
touch "$WORK/before-run"
start_app "$RUN_USER" "$COMMAND" --headless --port 0
PORT="$(await_ready)"
step "ready (switchboard as $RUN_USER, HOME=$RUN_HOME) after $(( ($(date +%s%N) - STARTED_NS) / 1000000 )) ms: $(grep -m1 '^Switchboard relay listening' "$WORK/out")"
check_health "$PORT"
stop_app
for d in .config/switchboard .local/share/switchboard .local/state/switchboard; do
    [ -d "$RUN_HOME/$d" ] || fail "expected $RUN_HOME/$d after a run without --data-dir"
done
step "user files: $(cd "$RUN_HOME" && find .config/switchboard .local/share/switchboard .local/state/switchboard -type f | sort | tr '\n' ' ')"
CHANGED="$(find "$INSTALL_DIR" -newer "$WORK/before-run" | head -n 5)"
[ -z "$CHANGED" ] || fail "the app wrote into $INSTALL_DIR: $CHANGED"

step "removing $PACKAGE"
apt-get remove -y "$PACKAGE" > "$WORK/apt-remove.log" 2>&1 || { cat "$WORK/apt-remove.log" >&2; fail "apt-get remove"; }
INSTALLED=""
[ ! -e "$INSTALL_DIR" ] || fail "$INSTALL_DIR is still there after apt-get remove"
[ ! -e "$DESKTOP_ENTRY" ] || fail "$DESKTOP_ENTRY is still there after apt-get remove"
[ ! -L "$COMMAND" ] || fail "$COMMAND is still there after apt-get remove"
if dpkg -s "$PACKAGE" 2>/dev/null | grep -q '^Status: install ok installed'; then
    fail "dpkg still lists $PACKAGE as installed"
fi
# `remove` leaves dpkg's record in state config-files (the package has maintainer scripts); purge
# drops that record too, so the machine is as before.
dpkg --purge "$PACKAGE" >/dev/null 2>&1
userdel "$TEST_USER" && TEST_USER=""
step "OK: installed, ran headless twice, stopped, removed"
