#!/bin/sh
# The client is SIGKILLed at random moments during a 2,000-record sync,
# 20 times, with local edits in between; then it runs to the end. The server
# must hold each record exactly once with the latest version.
. "$(dirname "$0")/lib.sh"
set -f
make_cert; provision; start_server; setup_client --slice-size 1200
cli sync set batch_records 25
cli sync set parallel_uploads 2
"$SYNC_FILL" add "$T/ws.db" 2000 4000 || fail "fill"
# Delaying every answer makes the whole sync take far longer (~40 s on an
# idle machine) than the ~9 s of kill windows, so every kill lands mid-run
# however fast the machine is.
province fault add "*" delay --p1 40 --count -1
kills=0
for i in $(seq 1 20); do
  # not the cli() function: $! must be the client itself, not a subshell
  "$BM_CLI" --db "$T/ws.db" sync --once >/dev/null 2>>"$T/cli.log" &
  pid=$!
  PIDS="$PIDS $pid"
  sleep "$(awk -v s="$i$$" 'BEGIN { srand(s); printf "%.3f", 0.15 + rand() * 0.6 }')"
  if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
  wait "$pid" 2>/dev/null || true
  "$SYNC_FILL" edit "$T/ws.db" 15 || fail "edit after kill $i"
done
[ "$kills" -eq 20 ] || fail "only $kills of 20 runs were still running when killed"
sent=$(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM records")
province fault clear
sync_until_ok 3
check_agree
cli audit verify >/dev/null || fail "audit chain after kills"
pass "$kills kills mid-sync ($sent records on the server before the last run), then all 2000 agree"
