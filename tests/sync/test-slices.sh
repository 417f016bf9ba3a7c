#!/bin/sh
# Number slices from a hostile or exhausted server (issue 10, finding 1): a
# workstation numbers only from slices inside the point's ranges, disjoint
# from every slice it holds, under the point's own 市县码, and given to it.
# Anything else is refused and stored nowhere.
. "$(dirname "$0")/lib.sh"
set -f
make_cert; provision; start_server

slices() { sqlite3 "${1:-$T/ws.db}" "SELECT category || ':' || first_serial || '-' || last_serial FROM number_slices ORDER BY id" | tr '\n' ' '; }
overlaps() {
  sqlite3 "${1:-$T/ws.db}" "SELECT COUNT(*) FROM number_slices a JOIN number_slices b ON a.id < b.id
                             AND a.first_serial <= b.last_serial AND b.first_serial <= a.last_serial"
}
setup_fails() {
  db=$1; shift
  if BAOMING_PASSWORD=clerk-pass "$BM_CLI" --db "$db" setup --server "https://127.0.0.1:$PORT" --point 010201 \
       --user clerk --ca-file "$T/cert.pem" --slice-size 10 "$@" >"$T/setup.out" 2>&1; then
    fail "set-up succeeded: $(cat "$T/setup.out")"
  fi
  n=$(sqlite3 "$db" "SELECT COUNT(*) FROM number_slices" 2>/dev/null || echo 0)
  [ "$n" = 0 ] || fail "a refused set-up left $n slices"
  n=$(sqlite3 "$db" "SELECT COUNT(*) FROM point" 2>/dev/null || echo 0)
  [ "$n" = 0 ] || fail "a refused set-up left a set-up store"
}

# 1. The server answers "slices": [] to a registration (it does so by itself
#    once the point's ranges are used up): no set-up, never the whole range.
province fault add workstations slices_empty --count 1
setup_fails "$T/empty.db"
grep -q "no registration numbers" "$T/setup.out" || fail "no clear message: $(cat "$T/setup.out")"
pass "set-up with no slices is refused"

# The same without a fault: a small point whose ranges the first desk takes.
sed -e 's/"01022999"/"01020100"/' -e 's/"01025999"/"01023100"/' -e 's/"010201"/"010202"/' "$POINT_JSON" >"$T/small.json"
province provision "$T/small.json" || fail "provision small"
BAOMING_PASSWORD=clerk-pass "$BM_CLI" --db "$T/desk1.db" setup --server "https://127.0.0.1:$PORT" --point 010202 \
    --user clerk --ca-file "$T/cert.pem" --slice-size 500 >/dev/null || fail "desk 1 set-up"
[ "$(slices "$T/desk1.db")" = "1:1-100 5:3001-3100 " ] || fail "desk 1 slices: $(slices "$T/desk1.db")"
if BAOMING_PASSWORD=clerk-pass "$BM_CLI" --db "$T/desk2.db" setup --server "https://127.0.0.1:$PORT" --point 010202 \
     --user clerk --ca-file "$T/cert.pem" >"$T/setup.out" 2>&1; then
  fail "desk 2 was set up on a used-up point with slices $(slices "$T/desk2.db")"
fi
grep -q "no registration numbers" "$T/setup.out" || fail "desk 2: no clear message: $(cat "$T/setup.out")"
pass "second desk of a used-up point is not set up (no 01020001 twice)"

# 2. A registration answer whose slices overlap across 科类, or lie under
#    another 市县码, is refused whole.
province fault add workstations slice_cross --count 1
setup_fails "$T/cross.db"
grep -q "overlaps" "$T/setup.out" || fail "cross: no clear message: $(cat "$T/setup.out")"
province fault add workstations slice_county --count 1
setup_fails "$T/county.db"
grep -q "county code 0102" "$T/setup.out" || fail "county: no clear message: $(cat "$T/setup.out")"
pass "set-up slices overlapping another 科类 or under another 市县码 are refused"
province fault add workstations slices_other_workstation --count 1
setup_fails "$T/other.db"
grep -q "another workstation" "$T/setup.out" || fail "other workstation: no clear message: $(cat "$T/setup.out")"
pass "set-up slices given to another workstation are refused"

# 3. Top-ups. A desk with 50 numbers per 科类 asks for more on every run.
setup_client --slice-size 50
before=$(slices)
[ "$(sqlite3 "$T/ws.db" "SELECT COUNT(*) FROM number_slices WHERE last_serial - first_serial = 49")" = 2 ] \
  || fail "desk slices: $before"
province fault add workstations slice_cross --count -1
cli sync set reconcile_interval_s 0
ledgers=$(grep -c 'GET /api/v1/workstations/[^ ]*/ledger ' "$T/srv.log" || true)
if cli sync --once >"$T/sync.out" 2>&1; then fail "a top-up over another 科类's serials was accepted"; fi
[ "$(grep -c 'GET /api/v1/workstations/[^ ]*/ledger ' "$T/srv.log")" = $((ledgers + 1)) ] \
  || fail "a refused top-up skipped the ledger check of the run"
grep -q "overlaps" "$T/sync.out" || fail "top-up cross: no clear message: $(cat "$T/sync.out")"
# The run's JSON and sync status carry the refusal's own sentence, not the
# generic "answer not understood" one.
if cli sync --once --json >"$T/run.json" 2>/dev/null; then fail "second refused top-up accepted"; fi
grep -q '"error_code" : "slices_refused"' "$T/run.json" || fail "top-up refusal code: $(cat "$T/run.json")"
grep -q '"error" : ".*overlaps' "$T/run.json" || fail "top-up refusal sentence: $(cat "$T/run.json")"
cli sync status --json | grep -q '"last_error" : ".*overlaps' || fail "sync status: $(cli sync status --json)"
[ "$(slices)" = "$before" ] || fail "top-up cross stored slices: $(slices)"
# Both 科类 still number from their own slices, without UNIQUE failures.
"$SYNC_FILL" add "$T/ws.db" 10 2000 0 || fail "numbering after a refused top-up"
outside=$(sqlite3 "$T/ws.db" "SELECT COUNT(*) FROM candidates c WHERE NOT EXISTS (SELECT 1 FROM number_slices s
            WHERE s.category = c.category AND CAST (substr (c.number, 5) AS INTEGER) BETWEEN s.first_serial AND s.last_serial)")
[ "$outside" = 0 ] || fail "$outside numbers outside their 科类's slice"
[ "$(sqlite3 "$T/ws.db" "SELECT COUNT(DISTINCT category) FROM candidates")" = 2 ] || fail "not both 科类 numbered"
pass "top-up over another 科类's serials refused; both 科类 keep numbering"

province fault clear
province fault add workstations slice_county --count -1
if cli sync --once >"$T/sync.out" 2>&1; then fail "a top-up under another 市县码 was accepted"; fi
grep -q "county code 0102" "$T/sync.out" || fail "top-up county: no clear message: $(cat "$T/sync.out")"
[ "$(slices)" = "$before" ] || fail "top-up county stored slices: $(slices)"
pass "top-up under another 市县码 refused"

province fault clear
cli sync --once >"$T/sync.out" 2>&1 || fail "top-up after the faults: $(cat "$T/sync.out")"
after=$(slices)
[ "$after" != "$before" ] || fail "no top-up after the faults"
[ "$(overlaps)" = 0 ] || fail "overlapping slices after top-up: $after"
bad=$(sqlite3 "$T/ws.db" "SELECT COUNT(*) FROM number_slices s WHERE NOT EXISTS (SELECT 1 FROM number_ranges r
        WHERE r.category = s.category AND s.first_serial >= r.first_serial AND s.last_serial <= r.last_serial)")
[ "$bad" = 0 ] || fail "$bad slices outside the ranges"
check_agree
pass "top-up after the faults: $after"
