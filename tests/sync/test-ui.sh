#!/bin/sh
# The sync page (GTK, Xvfb) against the development server.
. "$(dirname "$0")/lib.sh"
: "${SYNC_PAGE_TEST:?}" "${XVFB_RUN:?}"
make_cert; provision; start_server; setup_client
"$SYNC_FILL" add "$T/ws.db" 5 2000 || fail "fill"
"$SYNC_FILL" complete "$T/ws.db" 2 >"$T/complete.txt" || fail "complete"
cli sync --once >/dev/null || fail "first sync"
# The conflict on a record that is not complete; the complete ones are submitted from the page.
num=$(sqlite3 "$T/ws.db" "SELECT number FROM candidates ORDER BY id DESC LIMIT 1")
printf '{"comment":"本地修改"}' >"$T/upd.json"
cli candidate update "$num" --json "$T/upd.json" >/dev/null || fail "local edit"
province review --record "$num" --decision returned --reason "照片不合格" || fail "county return"
"$SYNC_FILL" add "$T/ws.db" 3 2000 500 || fail "fill 2"
sh "$XVFB_RUN" "$SYNC_PAGE_TEST" "$T/ws.db" "$num" 2 || fail "sync page"
for n in $(cat "$T/complete.txt"); do
  [ "$(sqlite3 "$T/ws.db" "SELECT state FROM candidates WHERE number = '$n'")" = submitted ] || fail "$n not submitted on the client"
  [ "$(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM submitted s JOIN records r ON r.uuid = s.uuid WHERE r.number = '$n'")" = 1 ] \
    || fail "$n not submitted on the server"
done
[ "$(sqlite3 "$T/p.db" "SELECT json_extract(record, '$.comment') FROM records WHERE number = '$num'")" = "本地修改" ] \
  || fail "resolved record not on the server"
check_agree
pass "sync page"
