#!/bin/bash
# cups-harness.sh CMD...: runs CMD against a private cupsd (testing.md R2).
#
# Queues (each prints to its own file, because a file device overwrites its
# output with every job):
#   testq     file://$T/out/testq.pdf                 works
#   stoppedq  like testq, but disabled (cupsdisable)  must be refused
#   rejectq   like testq, but rejecting jobs          must be refused
#   brokenq   backend that always fails (paper out)   every job aborts
#   nodevq    file:// into a missing directory        jobs stop (never end)
# Exported to CMD: CUPS_SERVER, BM_CUPS_DIR (=$T), BM_CUPS_OUT (=$T/out).
set -euo pipefail

T=$(mktemp -d /tmp/bm-cups.XXXXXX)
PIDS=()
cleanup () {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -n "${BM_CUPS_KEEP:-}" ]; then echo "# kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT

for tool in cupsd lpadmin lpstat cupsdisable cupsreject; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "cups-harness: $tool missing" >&2; exit 1; }
done
PPD=/usr/share/ppd/cupsfilters/Generic-PDF_Printer-PDF.ppd
[ -r "$PPD" ] || { echo "cups-harness: $PPD missing (cups-filters)" >&2; exit 1; }
export PATH="$PATH:/usr/sbin"

mkdir -p "$T"/{etc,spool,tmp,cache,state,log,out,serverbin/backend}
# Private ServerBin: the real filters and backends plus one backend that
# always fails, so "a job that fails" is a real CUPS job ending aborted.
for d in /usr/lib/cups/*; do
  [ "$(basename "$d")" = backend ] || ln -s "$d" "$T/serverbin/$(basename "$d")"
done
for b in /usr/lib/cups/backend/*; do ln -s "$b" "$T/serverbin/backend/$(basename "$b")"; done
cat > "$T/serverbin/backend/bmfail" <<'SH'
#!/bin/sh
[ $# -eq 0 ] && exit 0
echo "STATE: +media-empty-error" >&2
echo "ERROR: simulated printer failure" >&2
exit 1
SH
chmod 755 "$T/serverbin/backend/bmfail"
cat > "$T/etc/cups-files.conf" <<CONF
ServerRoot $T/etc
ServerBin $T/serverbin
RequestRoot $T/spool
TempDir $T/tmp
CacheDir $T/cache
StateDir $T/state
AccessLog $T/log/access_log
ErrorLog $T/log/error_log
PageLog $T/log/page_log
Printcap $T/etc/printcap
FileDevice Yes
SystemGroup root $(id -gn)
CONF
cat > "$T/etc/cupsd.conf" <<CONF
LogLevel info
Listen 127.0.0.1:0
Listen $T/cups.sock
Browsing No
WebInterface No
DefaultAuthType None
IdleExitTimeout 0
ErrorPolicy abort-job
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
CONF
# cupsd's own syntax check, so that a changed cupsd (a stable update once
# began to refuse a bare "Printcap") is diagnosed from the CI log alone.
if ! check=$(/usr/sbin/cupsd -t -c "$T/etc/cupsd.conf" -s "$T/etc/cups-files.conf" 2>&1); then
  echo "cups-harness: cupsd ($(dpkg-query -W -f='${Version}' cups-daemon 2>/dev/null || echo '?')) refuses the generated configuration:" >&2
  echo "$check" >&2
  exit 1
fi
# cupsd as root runs filters as "lp", which must read the spool and PPDs
if [ "$(id -u)" = 0 ]; then chmod 755 "$T" "$T"/* "$T/serverbin/backend"; chmod 777 "$T/out"; fi

# A free port: nothing answers on it now; if cupsd still loses a race for
# it, it exits and we try the next one.
free_port () {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

start_cupsd () {
  PORT=$(free_port)
  sed -i "s/^Listen 127.0.0.1:.*/Listen 127.0.0.1:$PORT/" "$T/etc/cupsd.conf"
  /usr/sbin/cupsd -f -c "$T/etc/cupsd.conf" -s "$T/etc/cups-files.conf" &
  CUPSD=$!
  export CUPS_SERVER=localhost:$PORT
  for _ in $(seq 1 1000); do
    if lpstat -r 2>/dev/null | grep -qx "scheduler is running"; then PIDS+=("$CUPSD"); return 0; fi
    kill -0 "$CUPSD" 2>/dev/null || return 1
    sleep 0.01
  done
  kill "$CUPSD" 2>/dev/null; wait "$CUPSD" 2>/dev/null || true
  return 1
}
ok=
for _ in 1 2 3 4 5; do if start_cupsd; then ok=1; break; fi; done
if [ -z "$ok" ]; then
  echo "cups-harness: cupsd ($(dpkg-query -W -f='${Version}' cups-daemon 2>/dev/null || echo '?')) did not start; its error log:" >&2
  cat "$T/log/error_log" >&2 2>/dev/null || echo "(no error log written)" >&2
  exit 1
fi

add_queue () {
  lpadmin -p "$1" -E -v "$2" -P "$PPD" 2>/dev/null
  lpadmin -p "$1" -o PageSize=A4 -o printer-error-policy=abort-job
}
add_queue testq "file://$T/out/testq.pdf"
add_queue stoppedq "file://$T/out/stoppedq.pdf"
add_queue rejectq "file://$T/out/rejectq.pdf"
add_queue brokenq "bmfail:/always"
add_queue nodevq "file://$T/missing-dir/nodevq.pdf"
cupsdisable -r "paused for test" stoppedq
cupsreject rejectq
lpadmin -d testq

export BM_CUPS_DIR="$T" BM_CUPS_OUT="$T/out"
"$@"
