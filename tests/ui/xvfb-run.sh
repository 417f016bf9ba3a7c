#!/bin/sh
# Run a command on a private Xvfb display with a private session bus
# (testing.md R3a). Fails, never skips, when Xvfb or dbus is missing.
set -eu
command -v Xvfb >/dev/null || { echo "Bail out! Xvfb is not installed (package xvfb)"; exit 1; }
command -v dbus-daemon >/dev/null || { echo "Bail out! dbus-daemon is not installed"; exit 1; }
T=$(mktemp -d /tmp/baoming-xvfb.XXXXXX)
cleanup() {
  [ -n "${XVFB_PID:-}" ] && kill "$XVFB_PID" 2>/dev/null || true
  [ -f "$T/dbus.pid" ] && kill "$(cat "$T/dbus.pid")" 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT
mkfifo "$T/dfd"
Xvfb -displayfd 5 -screen 0 1366x768x24 -nolisten tcp -noreset 5>"$T/dfd" 2>"$T/xvfb.log" &
XVFB_PID=$!
read -r DNUM < "$T/dfd" || true
case "$DNUM" in
  [0-9]*) ;;
  *) echo "Bail out! Xvfb did not start; its log:"; sed 's/^/# /' "$T/xvfb.log"; exit 1 ;;
esac
export DISPLAY=":$DNUM" GDK_BACKEND=x11 GSK_RENDERER=cairo FC_LANG=zh-cn
dbus-daemon --session --fork --nopidfile --print-address=6 --print-pid=7 6>"$T/dbus.addr" 7>"$T/dbus.pid"
DBUS_SESSION_BUS_ADDRESS=$(cat "$T/dbus.addr")
export DBUS_SESSION_BUS_ADDRESS
export XDG_DATA_HOME="$T/data" XDG_CONFIG_HOME="$T/config" XDG_CACHE_HOME="$T/cache" XDG_RUNTIME_DIR="$T/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
"$@"
