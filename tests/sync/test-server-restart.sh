#!/bin/sh
# The server is killed (SIGKILL, then SIGTERM) and restarted on the same
# address during a sync; the client retries and ends in agreement.
. "$(dirname "$0")/lib.sh"
set -f
make_cert; provision; start_server; setup_client
cli sync set batch_records 20
"$SYNC_FILL" add "$T/ws.db" 1000 4000 || fail "fill"
province fault add "*" delay --p1 5 --count -1
"$BM_CLI" --db "$T/ws.db" sync --once --json >"$T/run.json" 2>>"$T/cli.log" &
client=$!
PIDS="$PIDS $client"
for sig in -KILL -TERM -KILL; do
  sleep 1
  stop_server "$sig"
  sleep 0.3
  start_server
done
province fault clear
wait "$client" || { cat "$T/run.json" "$T/cli.log" >&2; fail "client gave up across the restarts"; }
sync_until_ok 1
check_agree
pass "server restarted 3 times mid-sync; $(grep retries "$T/run.json" | tr -d ' ,')"
