#!/usr/bin/env bash
# Starts the installed Switchboard with --demo on a virtual screen (Xvfb), waits until simulated
# calls are live, takes a screenshot of the whole screen and stops the app. Installs nothing;
# needs an installed app (see verify-deb.sh), Xvfb, ImageMagick's `import` and curl.
#
#   installer/demo-screenshot.sh shot.png [launcher]     # launcher default: /opt/switchboard/bin/Switchboard
#
# SETTLE_SECONDS (default 8): how long the calls run before the picture, so conversations show.
set -euo pipefail

OUT="${1:?usage: $0 shot.png [launcher]}"
LAUNCHER="${2:-/opt/switchboard/bin/Switchboard}"
SETTLE_SECONDS="${SETTLE_SECONDS:-8}"
READY_TIMEOUT="${READY_TIMEOUT:-90}"
SIZE="${SCREEN_SIZE:-1400x900}"

fail() { echo "demo-screenshot: FAIL: $*" >&2; exit 1; }
for tool in Xvfb import curl; do command -v "$tool" >/dev/null || fail "$tool not found"; done
[ -x "$LAUNCHER" ] || fail "no launcher at $LAUNCHER"

WORK="$(mktemp -d)"
XVFB_PID=""; APP_PID=""
cleanup() {
    [ -z "$APP_PID" ] || { kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; }
    [ -z "$XVFB_PID" ] || { kill "$XVFB_PID" 2>/dev/null || true; wait "$XVFB_PID" 2>/dev/null || true; }
    rm -rf "$WORK"
}
trap cleanup EXIT

# Xvfb picks a free display and writes its number to fd 3.
Xvfb -displayfd 3 -screen 0 "${SIZE}x24" -nolisten tcp 3> "$WORK/display" 2> "$WORK/xvfb.log" &
XVFB_PID=$!
for _ in $(seq 1 100); do [ -s "$WORK/display" ] && break; sleep 0.1; done
[ -s "$WORK/display" ] || fail "Xvfb did not start: $(cat "$WORK/xvfb.log")"
export DISPLAY=":$(head -n1 "$WORK/display")"

# A throwaway data folder and home: the picture shows a fresh install, nothing of the user's.
mkdir -p "$WORK/home"
HOME="$WORK/home" "$LAUNCHER" --demo --data-dir "$WORK/data" > "$WORK/out" 2> "$WORK/err" &
APP_PID=$!

deadline=$((SECONDS + READY_TIMEOUT)); port=""
while [ $SECONDS -lt $deadline ]; do
    port="$(sed -nE '1s#^Switchboard relay listening on wss://[^:]+:([0-9]+)/relay.*#\1#p' "$WORK/out")"
    [ -n "$port" ] && break
    kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/out" "$WORK/err" >&2; fail "the app exited"; }
    sleep 0.1
done
[ -n "$port" ] || { cat "$WORK/out" "$WORK/err" >&2; fail "no ready line within ${READY_TIMEOUT}s"; }
echo "demo-screenshot: $(head -n1 "$WORK/out") on DISPLAY=$DISPLAY"

live=0
while [ $SECONDS -lt $deadline ]; do
    live="$(curl -sk --max-time 5 "https://127.0.0.1:$port/health" | sed -nE 's/.*"liveCalls":([0-9]+).*/\1/p')"
    [ "${live:-0}" -gt 0 ] && break
    sleep 0.2
done
[ "${live:-0}" -gt 0 ] || fail "no live call within ${READY_TIMEOUT}s"
echo "demo-screenshot: $live live call(s); waiting ${SETTLE_SECONDS}s for the conversations"
sleep "$SETTLE_SECONDS"
kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/err" >&2; fail "the app exited during the demo"; }
import -window root "$OUT"
echo "demo-screenshot: wrote $OUT ($(curl -sk --max-time 5 "https://127.0.0.1:$port/health"))"
