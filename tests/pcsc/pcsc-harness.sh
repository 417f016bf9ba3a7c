#!/bin/bash
# pcsc-harness.sh [--no-reader] [--no-pcscd] [--scheme S] [--card C] [--serial] CMD [ARGS...]
#
# Starts a private pcscd (own user+mount namespace, private /run) with the
# vpcd virtual reader and the project's card emulator (cardemu.py), runs CMD
# and cleans up. Recipe R1 of docs/testing.md. Exported for CMD:
#   PCSCLITE_CSOCK_NAME   the private pcscd socket (libpcsclite honours it)
#   BM_TEST_CARDEMU       path of cardemu.py
#   BM_TEST_CARDEMU_CTL   control socket of the running emulator
#   BM_TEST_SERIAL        with --serial: a pty path where the emulator acts as a serial reader
#   BM_TEST_PCSC_CTL      script: pcscd-stop | pcscd-start | reader-add | reader-remove
# A missing tool is a failure (exit 1), never a skip.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
NO_READER=0; NO_PCSCD=0; SCHEME=tunnel; CARD=; SERIAL=0
while [ $# -gt 0 ]; do
  case "$1" in
    --no-reader) NO_READER=1; shift ;;
    --no-pcscd) NO_PCSCD=1; shift ;;
    --scheme) SCHEME=$2; shift 2 ;;
    --card) CARD=$2; shift 2 ;;
    --serial) SERIAL=1; shift ;;
    --) shift; break ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: $0 [options] CMD..." >&2; exit 2; }

for tool in /usr/sbin/pcscd unshare ss "$PY"; do
  command -v "$tool" >/dev/null || { echo "pcsc-harness: missing $tool" >&2; exit 1; }
done
[ -e /usr/lib/pcsc/drivers/serial/libifdvpcd.so ] || { echo "pcsc-harness: vsmartcard-vpcd not installed" >&2; exit 1; }

# pcscd runs with a private /run. Root needs only a mount namespace; a
# normal user needs a user namespace too. (The kernel refuses new user
# namespaces inside a chroot, which is where fresh-machine CI checks run.)
if [ "$(id -u)" -eq 0 ]; then
  UNSHARE="unshare --mount"
else
  UNSHARE="unshare --user --map-root-user --mount"
fi

T=$(mktemp -d /tmp/bm-pcsc.XXXXXX)
# vpcd listens on PORT and PORT+1 (two slots) on all interfaces.
PORT=$($PY -c 'import socket,random
while True:
    p=random.randint(20000,60000); ok=True
    for q in (p,p+1):
        s=socket.socket()
        try: s.bind(("0.0.0.0",q))
        except OSError: ok=False
        s.close()
    if ok: print(p); break')
mkdir -p "$T/conf" "$T/run" "$T/reader"
printf 'FRIENDLYNAME "Test PCD"\nDEVICENAME   /dev/null:0x%X\nLIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID    0x%X\n' \
  "$PORT" "$PORT" > "$T/reader/vpcd"
[ "$NO_READER" = 1 ] || cp "$T/reader/vpcd" "$T/conf/vpcd"
: > "$T/pids"

cleanup() {
  local rc=$?
  while read -r p; do kill "$p" 2>/dev/null || true; done < "$T/pids"
  wait 2>/dev/null || true
  if [ "$rc" != 0 ] && [ -n "${BM_HARNESS_VERBOSE:-}" ]; then
    echo "--- pcscd log"; cat "$T"/pcscd*.log 2>/dev/null | tail -50
    echo "--- emulator log"; tail -50 "$T/emu.log" 2>/dev/null
  fi >&2
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT

export PCSCLITE_CSOCK_NAME="$T/run/pcscd/pcscd.comm"

# The control script lets a test stop/start pcscd and plug/unplug the reader
# while the program under test runs.
cat > "$T/ctl.sh" <<EOF
#!/bin/bash
set -eu
T="$T"; PORT=$PORT
case "\$1" in
  pcscd-start)
    rm -rf "\$T/run/pcscd"
    $UNSHARE sh -c 'mount --bind "\$0" /run && exec /usr/sbin/pcscd -f -c "\$1"' \\
      "\$T/run" "\$T/conf" >> "\$T/pcscd.log" 2>&1 &
    echo \$! > "\$T/pcscd.pid"; echo \$! >> "\$T/pids"
    for i in \$(seq 500); do
      [ -S "$PCSCLITE_CSOCK_NAME" ] && break; sleep 0.01
    done
    [ -S "$PCSCLITE_CSOCK_NAME" ] || {
      echo "pcscd (\$(dpkg-query -W -f='\${Version}' pcscd 2>/dev/null)) did not start; its log:" >&2
      tail -n 30 "\$T/pcscd.log" >&2; exit 1; }
    if [ -e "\$T/conf/vpcd" ]; then
      for i in \$(seq 500); do ss -ltn "sport = :\$PORT" | grep -q LISTEN && break; sleep 0.01; done
      ss -ltn "sport = :\$PORT" | grep -q LISTEN || {
        echo "vpcd (\$(dpkg-query -W -f='\${Version}' vsmartcard-vpcd 2>/dev/null)) did not listen on \$PORT; pcscd's log:" >&2
        tail -n 30 "\$T/pcscd.log" >&2; exit 1; }
    fi ;;
  pcscd-stop)
    p=\$(cat "\$T/pcscd.pid"); kill "\$p"
    for i in \$(seq 500); do kill -0 "\$p" 2>/dev/null || break; sleep 0.01; done ;;
  # pcscd 1.9.9 reads serial-reader configs (vpcd) only at start: SIGUSR1
  # re-scans USB only (checked). So plugging the virtual reader in or out is
  # a config change plus a quick daemon restart.
  reader-add)
    cp "\$T/reader/vpcd" "\$T/conf/vpcd"; "\$0" pcscd-stop; "\$0" pcscd-start ;;
  reader-remove)
    rm -f "\$T/conf/vpcd"; "\$0" pcscd-stop; "\$0" pcscd-start ;;
  *) echo "usage: \$0 pcscd-start|pcscd-stop|reader-add|reader-remove" >&2; exit 2 ;;
esac
EOF
chmod +x "$T/ctl.sh"
export BM_TEST_PCSC_CTL="$T/ctl.sh"
export BM_TEST_CARDEMU="$HERE/cardemu.py"
export BM_TEST_CARDEMU_CTL="$T/emu.sock"

[ "$NO_PCSCD" = 1 ] || "$T/ctl.sh" pcscd-start

EMU_ARGS=(--port "$PORT" --scheme "$SCHEME" --control "$BM_TEST_CARDEMU_CTL")
[ -z "$CARD" ] || EMU_ARGS+=(--card "$CARD")
if [ "$SERIAL" = 1 ]; then
  export BM_TEST_SERIAL="$T/ttyEMU"
  EMU_ARGS+=(--serial "$BM_TEST_SERIAL")
fi
$PY "$HERE/cardemu.py" "${EMU_ARGS[@]}" > "$T/emu.log" 2>&1 &
echo $! >> "$T/pids"
for i in $(seq 500); do [ -S "$BM_TEST_CARDEMU_CTL" ] && break; sleep 0.01; done
[ -S "$BM_TEST_CARDEMU_CTL" ] || { echo "pcsc-harness: card emulator did not start" >&2; cat "$T/emu.log" >&2; exit 1; }
if [ "$SERIAL" = 1 ]; then
  for i in $(seq 500); do [ -e "$BM_TEST_SERIAL" ] && break; sleep 0.01; done
fi

set +e
"$@"
