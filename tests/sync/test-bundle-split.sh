#!/bin/sh
# Issue 17: a photo bundle refused as a whole (here: 422, the server refuses
# one photo of it and stores nothing) is sent again as halves, down to the
# bad photo, not as 64 single PUTs. Asserted from the server: the 63 good
# photos are stored, at most 2*log2(64)+1 = 13 bundle requests were made
# (the server logs each one), the bad photo is not stored and the run
# reports it by its hash; the client records the 63 as on the server.
. "$(dirname "$0")/lib.sh"
make_cert; provision; start_server; setup_client
"$SYNC_FILL" add "$T/ws.db" 64 3000 || fail "fill"
n=$(sqlite3 "$T/ws.db" "SELECT COUNT(DISTINCT sha256) FROM photos")
[ "$n" = 64 ] || fail "fill made $n distinct photos, not 64"
bad=$(sqlite3 "$T/ws.db" "SELECT sha256 FROM photos ORDER BY rowid LIMIT 1 OFFSET 37")
stop_server
: >"$T/srv.log"
start_server --refuse-photo "$bad"

cli sync --once >"$T/run.out" 2>"$T/run.err" && fail "the sync run did not report the refused photo"
short=$(printf %.12s "$bad")
grep -q "$short" "$T/run.err" || fail "the refused photo is not named: $(cat "$T/run.err")"
grep -q "422" "$T/run.err" || fail "the server's answer is not reported: $(cat "$T/run.err")"

stored=$(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM photos")
[ "$stored" = 63 ] || fail "server stored $stored photos, not the 63 good ones"
[ "$(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM photos WHERE sha256 = '$bad'")" = 0 ] || fail "bad photo stored"
good=$(sqlite3 "$T/ws.db" "ATTACH '$T/p.db' AS s;
       SELECT COUNT(*) FROM photos c JOIN s.photos p ON p.sha256 = c.sha256 WHERE c.sha256 != '$bad'")
[ "$good" = 63 ] || fail "$good of the 63 good photos are on the server"

bundles=$(grep -c "bm-province: bundle of" "$T/srv.log" || true)
[ "$bundles" -ge 2 ] || fail "the refused bundle was not split ($bundles bundle requests)"
[ "$bundles" -le 13 ] || fail "$bundles bundle requests for one bad photo in 64 (at most 13)"
grep -q "bm-province: bundle of 64 photos: refused" "$T/srv.log" || fail "no 64-photo bundle was sent first"
grep -q "bm-province: bundle of 2 photos: refused" "$T/srv.log" || fail "the split did not narrow down to the bad photo"
[ "$(grep -c "bm-province: photo refused" "$T/srv.log")" -ge 1 ] || fail "the bad photo never went as a single PUT"
pass "one refused photo in 64: $bundles bundle requests, 63 photos stored, the bad one reported"

marked=$(sqlite3 "$T/ws.db" "SELECT COUNT(*) FROM sync_photos")
[ "$marked" = 63 ] || fail "the client records $marked photos as on the server, not 63"
pass "the client knows the 63 good photos are on the server"

# Once the server takes the photo, the next run sends only it and the records.
stop_server
start_server
cli sync --once >/dev/null 2>&1 || fail "sync after the server takes the photo"
check_agree
[ "$(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM photos")" = 64 ] || fail "not all 64 photos on the server"
pass "next run: all 64 photos and records agree"
