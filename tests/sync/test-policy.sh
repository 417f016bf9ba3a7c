#!/bin/sh
# Policy changes without reinstalling (issue 12): a new profile version from
# the province is applied to the 科类, range and deadline tables, or refused
# whole (nothing changes locally, the refusal reaches the server) when it
# would strand records; versions never go backwards; the same version again
# is a no-op. Profiles are modified copies of point-0102.json in $T (that
# file is not edited).
. "$(dirname "$0")/lib.sh"
set -f
make_cert; provision; start_server
setup_client --slice-size 100
printf 'admin-pass\n' >"$T/admin.pw"
WS=$(sqlite3 "$T/ws.db" "SELECT workstation_id FROM point")

q() { sqlite3 "$T/ws.db" "$1"; }
# jget FILE PATH: a value of the JSON in FILE.
jget() { sqlite3 :memory: "SELECT json_extract(CAST(readfile('$1') AS TEXT), '$2')"; }
show() { cli profile show --json >"$T/show.json" || fail "profile show"; }
# spec NAME SQL-EXPR: write $T/NAME.json from point-0102.json through json_* (X is the spec).
spec() {
  sqlite3 :memory: "WITH s(X) AS (SELECT CAST(readfile('$POINT_JSON') AS TEXT)) SELECT $2 FROM s" >"$T/$1.json" \
    || fail "spec $1"
  [ -s "$T/$1.json" ] || fail "spec $1 empty"
}
tables() { q "SELECT code || '=' || name FROM categories ORDER BY code; SELECT category || ':' || first_serial || '-' || last_serial FROM number_ranges ORDER BY category; SELECT category || ':' || first_serial || '-' || last_serial || '@' || next_serial FROM number_slices ORDER BY id; SELECT value FROM meta WHERE key IN ('sync.profile', 'sync.profile_version') ORDER BY key"; }
audits() { q "SELECT COUNT(*) FROM audit_log WHERE action = '$1' AND operator = 'province'"; }

# 0. Set-up applied the first version, as the province's.
show
[ "$(jget "$T/show.json" '$.profile_version')" = 1 ] || fail "set-up version: $(cat "$T/show.json")"
[ "$(jget "$T/show.json" '$.applied.actor')" = province ] || fail "set-up actor"
[ "$(audits profile_apply)" = 1 ] || fail "set-up application not audited as the province's"
"$SYNC_FILL" add "$T/ws.db" 6 0 || fail "fill"
sync_until_ok
pass "set-up applies profile version 1, audited as the province's"

# 1. A renamed and an added 科类, a new deadline, an allow-list: applied at the next sync.
spec v2 "json_set(json_insert(X, '\$.categories[#]', json('{\"code\":\"3\",\"name\":\"艺术(文)\"}'),
               '\$.ranges[#]', json('{\"category\":\"3\",\"first\":\"01026001\",\"last\":\"01026499\"}')),
             '\$.categories[0].name', '历史类', '\$.deadlines.registration_closes', '2027-06-08T10:00:00Z',
             '\$.online_fields_allowed', json('[\"political_status\",\"school\",\"phone\"]'))"
province provision "$T/v2.json" || fail "provision v2"
sync_until_ok
[ "$(q "SELECT name FROM categories WHERE code = '1'")" = "历史类" ] || fail "rename not applied: $(tables)"
[ "$(q "SELECT name FROM categories WHERE code = '3'")" = "艺术(文)" ] || fail "added 科类 missing: $(tables)"
[ "$(q "SELECT first_serial || '-' || last_serial FROM number_ranges WHERE category = '3'")" = "6001-6499" ] \
  || fail "range of the added 科类: $(tables)"
[ "$(q "SELECT COUNT(*) FROM number_slices WHERE category = '3'")" -ge 1 ] || fail "no numbers for the added 科类: $(tables)"
show
[ "$(jget "$T/show.json" '$.profile_version')" = 2 ] || fail "version 2 not in force"
[ "$(jget "$T/show.json" '$.deadlines.registration_closes')" = "2027-06-08T10:00:00Z" ] || fail "deadline not applied"
[ "$(jget "$T/show.json" '$.applied.changes.categories_added[0].code')" = 3 ] || fail "added not shown"
[ "$(jget "$T/show.json" '$.applied.changes.categories_renamed[0].to')" = "历史类" ] || fail "rename not shown"
[ "$(jget "$T/show.json" '$.applied.changes.deadlines.registration_closes.to')" = "2027-06-08T10:00:00Z" ] \
  || fail "deadline change not shown"
[ "$(jget "$T/show.json" '$.online_fields_allowed[2]')" = phone ] || fail "allow-list not kept"
[ "$(q "SELECT value FROM meta WHERE key = 'policy.online_fields_allowed'")" = '["political_status","school","phone"]' ] \
  || fail "allow-list key"
cli sync status --json >"$T/status.json"
[ "$(jget "$T/status.json" '$.deadlines.registration_closes')" = "2027-06-08T10:00:00Z" ] || fail "status deadline"
[ "$(audits profile_apply)" = 2 ] || fail "application not audited"
pass "renamed and added 科类, new deadline and allow-list applied after sync, audited, shown"

# 2. The same version again is a no-op: from the server (a forced re-pull) and from a file.
before=$(tables); at=$(jget "$T/show.json" '$.applied.applied_at')
pulls=$(grep -c 'GET /api/v1/profile ' "$T/srv.log")
q "UPDATE meta SET value = '9' WHERE key = 'sync.profile_version_seen'"
sync_until_ok
[ "$(grep -c 'GET /api/v1/profile ' "$T/srv.log")" -gt "$pulls" ] || fail "the forced re-pull did not happen"
q "UPDATE meta SET value = '2' WHERE key = 'sync.profile_version_seen'"
show
[ "$(jget "$T/show.json" '$.applied.applied_at')" = "$at" ] || fail "same version applied again"
[ "$(audits profile_apply)" = 2 ] || fail "same version audited again"
cat >"$T/same.json" <<EOF
{ "profile_version": 2, "categories": [ { "code": "1", "name": "改了" } ], "ranges": [] }
EOF
# Policy is the supervisor's: the clerk (BAOMING_OPERATOR of lib.sh) is refused.
rc=0; cli profile apply "$T/same.json" >/dev/null 2>&1 || rc=$?
[ $rc = 11 ] || fail "a clerk applied a profile (exit $rc)"
# The supervisor has no password on this desk yet (a clerk set it up): the
# first log-in is checked by the provincial server and then kept here.
[ -z "$(q "SELECT password_hash FROM operators WHERE user = 'admin'")" ] || fail "admin had a password before"
cli profile apply "$T/same.json" --operator admin --password-file "$T/admin.pw" >"$T/apply.out" 2>&1 || fail "same version from a file: $(cat "$T/apply.out")"
q "SELECT password_hash FROM operators WHERE user = 'admin'" | grep -q '^\$argon2id\$' || fail "admin's first log-in not kept"
printf 'wrong\n' >"$T/wrong.pw"
rc=0; cli profile apply "$T/same.json" --operator admin --password-file "$T/wrong.pw" >/dev/null 2>&1 || rc=$?
[ $rc = 11 ] || fail "wrong supervisor password (exit $rc)"
grep -q "already in force" "$T/apply.out" || fail "no-op not said: $(cat "$T/apply.out")"
[ "$(tables)" = "$before" ] || fail "same version changed tables"
pass "the same profile version twice is a no-op"

# 3. A removed 科类 that has records: refused whole, reported to the server.
spec v3 "json_remove(json_remove(json_set(X, '\$.categories[0].name', '历史类'), '\$.categories[1]'), '\$.ranges[1]')"
province provision "$T/v3.json" || fail "provision v3"
before=$(tables)
if cli sync --once >"$T/sync.out" 2>&1; then fail "a profile stranding 科类 5 was accepted"; fi
grep -q "category 5 (理工) would be removed but has 3 records" "$T/sync.out" || fail "no clear message: $(cat "$T/sync.out")"
[ "$(tables)" = "$before" ] || fail "a refused profile changed the tables: $(tables)"
show
[ "$(jget "$T/show.json" '$.profile_version')" = 2 ] || fail "version moved on a refusal"
[ "$(jget "$T/show.json" '$.refusal.profile_version')" = 3 ] || fail "refusal not shown: $(cat "$T/show.json")"
[ "$(jget "$T/show.json" '$.refusal.reasons[0].code')" = category_has_records ] || fail "refusal reason"
[ "$(jget "$T/show.json" '$.refusal.reported')" = 1 ] || fail "refusal not reported"
province dump >"$T/dump.json"
[ "$(jget "$T/dump.json" '$.profile_refusals[0].workstation_id')" = "$WS" ] || fail "server has no refusal: $(cat "$T/dump.json")"
[ "$(jget "$T/dump.json" '$.profile_refusals[0].profile_version')" = 3 ] || fail "server refusal version"
[ "$(jget "$T/dump.json" '$.profile_refusals[0].reasons[0].code')" = category_has_records ] || fail "server reason"
[ "$(jget "$T/dump.json" '$.profile_refusals[0].reasons[0].category')" = 5 ] || fail "server reason category"
[ "$(jget "$T/dump.json" '$.profile_refusals[0].reasons[0].records')" = 3 ] || fail "server reason count"
[ "$(audits profile_refused)" = 1 ] || fail "refusal not audited"
# The next run pulls it again, refuses it again, but neither audits nor reports it twice.
if cli sync --once >"$T/sync.out" 2>&1; then fail "second run accepted the stranding profile"; fi
province dump >"$T/dump.json"
[ "$(jget "$T/dump.json" '$.profile_refusals[0].reports')" = 1 ] || fail "refusal reported twice"
[ "$(audits profile_refused)" = 1 ] || fail "refusal audited twice"
[ "$(tables)" = "$before" ] || fail "tables changed on the second run"
pass "removed 科类 with records refused, nothing changed, reported to the server once"

# 4. A shrunk range that no longer covers issued numbers: refused.
spec v4 "json_set(json_insert(X, '\$.categories[#]', json('{\"code\":\"3\",\"name\":\"艺术(文)\"}'),
               '\$.ranges[#]', json('{\"category\":\"3\",\"first\":\"01026001\",\"last\":\"01026499\"}')),
             '\$.categories[0].name', '历史类', '\$.ranges[0].first', '01020003')"
province provision "$T/v4.json" || fail "provision v4"
if cli sync --once >"$T/sync.out" 2>&1; then fail "a shrunk range was accepted"; fi
grep -q "would no longer cover the numbers already given 01020001, 01020002" "$T/sync.out" \
  || fail "shrink: no clear message: $(cat "$T/sync.out")"
[ "$(tables)" = "$before" ] || fail "a refused shrink changed the tables: $(tables)"
show
[ "$(jget "$T/show.json" '$.refusal.profile_version')" = 4 ] || fail "shrink refusal not shown"
[ "$(jget "$T/show.json" '$.refusal.reasons[0].code')" = range_strands_numbers ] || fail "shrink reason"
[ "$(jget "$T/show.json" '$.refusal.reasons[1].code')" = range_strands_slice ] || fail "slice reason"
province dump >"$T/dump.json"
[ "$(jget "$T/dump.json" '$.profile_refusals[1].profile_version')" = 4 ] || fail "server has no shrink refusal"
[ "$(jget "$T/dump.json" '$.profile_refusals[1].reasons[0].numbers[0]')" = 01020001 ] || fail "server shrink numbers"
pass "shrunk range that no longer covers issued numbers refused and reported"

# 5. A lying server answers an older version than the one in force: refused.
province provision "$T/v2.json" || fail "provision v5"
province fault add profile profile_version --p1 1 --count 1
if cli sync --once >"$T/sync.out" 2>&1; then fail "an older profile version was accepted"; fi
grep -q "older than version 2" "$T/sync.out" || fail "older: no clear message: $(cat "$T/sync.out")"
[ "$(tables)" = "$before" ] || fail "an older version changed the tables"
show
[ "$(jget "$T/show.json" '$.refusal.reasons[0].code')" = version_older ] || fail "older reason"
# Once the server tells the truth, the current version (5, as v2) is applied.
sync_until_ok
show
[ "$(jget "$T/show.json" '$.profile_version')" = 5 ] || fail "version 5 not applied: $(cat "$T/show.json")"
[ "$(jget "$T/show.json" '$.refusal')" = "" ] || fail "old refusal still shown"
pass "an older profile version is refused; the true one is applied after"

# 6. From a file (baoming-cli profile apply), audited as the operator's: a
#    removed 科类 without records takes its unused slice with it; a removed
#    科类 with records and another 市县码 are refused (exit 3) and not sent
#    to the server.
[ "$(q "SELECT COUNT(*) FROM candidates WHERE category = '3'")" = 0 ] || fail "科类 3 has records"
cat >"$T/f10.json" <<'EOF2'
{ "profile_version": 10, "point": { "county_code": "0102" },
  "categories": [ { "code": "1", "name": "历史类" }, { "code": "5", "name": "物理类" } ],
  "ranges": [ { "category": "1", "first": 1, "last": 2999 }, { "category": "5", "first": 3001, "last": 5999 } ],
  "deadlines": { "registration_closes": "2027-07-01T10:00:00Z" },
  "code_tables": { "foreign_language": [ { "code": "1", "name": "英语" } ] } }
EOF2
cli profile apply "$T/f10.json" --operator admin --password-file "$T/admin.pw" --json >"$T/show.json" || fail "file v10 refused"
[ "$(jget "$T/show.json" '$.profile_version')" = 10 ] || fail "file v10 not in force"
[ "$(jget "$T/show.json" '$.applied.actor')" = admin ] || fail "file actor"
[ "$(jget "$T/show.json" '$.applied.changes.categories_removed[0].code')" = 3 ] || fail "removal not shown"
[ "$(jget "$T/show.json" '$.applied.changes.categories_renamed[0].to')" = "物理类" ] || fail "file rename not shown"
[ "$(jget "$T/show.json" '$.applied.changes.slices_dropped[0]')" != "" ] || fail "dropped slice not shown"
[ "$(jget "$T/show.json" '$.code_tables.foreign_language[0].name')" = "英语" ] || fail "code table not kept"
[ "$(jget "$T/show.json" '$.online_fields_allowed')" = "" ] || fail "a file without an allow-list kept the old one"
[ "$(q "SELECT COUNT(*) FROM categories WHERE code = '3'") $(q "SELECT COUNT(*) FROM number_slices WHERE category = '3'")" = "0 0" ] \
  || fail "科类 3 or its slice left: $(tables)"
[ "$(q "SELECT name FROM categories WHERE code = '5'")" = "物理类" ] || fail "file rename not applied"
[ "$(q "SELECT json_extract(value, '\$.deadlines.registration_closes') FROM meta WHERE key = 'sync.profile'")" = "2027-07-01T10:00:00Z" ] \
  || fail "file deadline not applied"
[ "$(q "SELECT COUNT(*) FROM audit_log WHERE action = 'profile_apply' AND operator = 'admin'")" = 1 ] || fail "file apply not audited"
pass "a file's version is applied and audited as the operator's; an unused removed 科类 takes its slice"

province dump >"$T/dump.json"; reported=$(sqlite3 :memory: "SELECT json_array_length(CAST(readfile('$T/dump.json') AS TEXT), '\$.profile_refusals')")
before=$(tables)
sed -e 's/"profile_version": 10/"profile_version": 11/' -e 's/, { "code": "5", "name": "物理类" }//' \
    -e 's/, { "category": "5", "first": 3001, "last": 5999 }//' "$T/f10.json" >"$T/f11.json"
cli profile apply "$T/f11.json" --operator admin --password-file "$T/admin.pw" >"$T/apply.out" 2>&1 && fail "file removing 科类 5 applied"
rc=0; cli profile apply "$T/f11.json" --operator admin --password-file "$T/admin.pw" >/dev/null 2>&1 || rc=$?
[ "$rc" = 3 ] || fail "file refusal exit $rc"
grep -q "category 5 (物理类) would be removed but has 3 records" "$T/apply.out" || fail "file: no clear message: $(cat "$T/apply.out")"
sed -e 's/"profile_version": 10/"profile_version": 12/' -e 's/"0102"/"0103"/' "$T/f10.json" >"$T/f12.json"
cli profile apply "$T/f12.json" --operator admin --password-file "$T/admin.pw" >"$T/apply.out" 2>&1 && fail "another 市县码 applied"
grep -q "county code would change from 0102 to 0103" "$T/apply.out" || fail "county: no clear message: $(cat "$T/apply.out")"
[ "$(tables)" = "$before" ] || fail "a refused file changed the tables"
show
[ "$(jget "$T/show.json" '$.refusal.reasons[0].code')" = county_code_changed ] || fail "county reason"
[ "$(q "SELECT COUNT(*) FROM audit_log WHERE action = 'profile_refused' AND operator = 'admin'")" = 2 ] \
  || fail "file refusals not audited"
sync_until_ok
province dump >"$T/dump.json"
[ "$(sqlite3 :memory: "SELECT json_array_length(CAST(readfile('$T/dump.json') AS TEXT), '\$.profile_refusals')")" = "$reported" ] \
  || fail "a file's refusal was sent to the server"
pass "a file that strands records or changes the 市县码 is refused (exit 3), audited, not sent to the server"

# 7. Set-up from a server whose first profile has a malformed deadline: the
#    workstation is set up (its numbers came with it), the profile version is
#    refused, shown, and reported by the first sync.
spec bad "json_set(X, '\$.point.code', '010203', '\$.deadlines.registration_closes', 'soon')"
province provision "$T/bad.json" || fail "provision bad"
BAOMING_PASSWORD=clerk-pass "$BM_CLI" --db "$T/ws2.db" setup --server "https://127.0.0.1:$PORT" --point 010203 \
    --user clerk --ca-file "$T/cert.pem" >"$T/setup.out" 2>&1 || fail "set-up with a bad deadline: $(cat "$T/setup.out")"
WS_DB=$T/ws2.db cli profile show --json >"$T/show.json"
[ "$(jget "$T/show.json" '$.profile_version')" = "" ] || fail "a malformed profile was put in force"
[ "$(jget "$T/show.json" '$.refusal.reasons[0].code')" = invalid ] || fail "bad deadline: $(cat "$T/show.json")"
[ "$(jget "$T/show.json" '$.refusal.reported')" = 0 ] || fail "reported before any sync"
WS_DB=$T/ws2.db cli sync --once >/dev/null 2>&1 && fail "a sync under a refused profile reported success"
province dump >"$T/dump.json"
[ "$(sqlite3 :memory: "SELECT COUNT(*) FROM json_each(CAST(readfile('$T/dump.json') AS TEXT), '\$.profile_refusals')
                        WHERE json_extract(value, '\$.point_code') = '010203'
                          AND json_extract(value, '\$.reasons[0].code') = 'invalid'")" = 1 ] \
  || fail "set-up refusal not reported: $(cat "$T/dump.json")"
pass "a malformed first profile: set up, refused, shown and reported by the first sync"
