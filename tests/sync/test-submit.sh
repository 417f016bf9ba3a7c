#!/bin/sh
# The final submission (docs/sync-protocol.md §11) against the development
# server over HTTPS: incomplete records kept back by the client with the
# missing items named; forced, refused by the province with its reasons;
# complete records accepted and `submitted` (client rows, server dump); a
# lost answer resent without a second application; a garbled answer
# refused whole; the submission deadline; `submitted` unreachable by hand;
# and the registration deadlines (general, per 科类, clock seam).
. "$(dirname "$0")/lib.sh"
set -f
command -v python3 >/dev/null || fail "missing tool: python3"
js() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
audit_count() {  # audit entries ACTION for a number
  sqlite3 "$T/ws.db" "SELECT COUNT(*) FROM audit_log a JOIN candidates c ON c.uuid = a.entity_uuid
                      WHERE a.action = '$1' AND c.number = '$2'"
}
state_of() { sqlite3 "$T/ws.db" "SELECT state FROM candidates WHERE number = '$1'"; }

make_cert; provision; start_server
setup_client
"$SYNC_FILL" add "$T/ws.db" 6 2000 0 || fail "fill"
"$SYNC_FILL" add "$T/ws.db" 1 0 50 || fail "fill without photo"
"$SYNC_FILL" complete "$T/ws.db" 4 >"$T/complete.txt" || fail "complete"
N1=$(sed -n 1p "$T/complete.txt"); N2=$(sed -n 2p "$T/complete.txt"); N3=$(sed -n 3p "$T/complete.txt")
NG=$(sed -n 4p "$T/complete.txt")
N4=$(sqlite3 "$T/ws.db" "SELECT number FROM candidates c WHERE state = 'numbered'
                          AND EXISTS (SELECT 1 FROM photos p WHERE p.candidate_uuid = c.uuid) ORDER BY number LIMIT 1")
NP=$(sqlite3 "$T/ws.db" "SELECT c.number FROM candidates c WHERE NOT EXISTS (SELECT 1 FROM photos p WHERE p.candidate_uuid = c.uuid)")
[ -n "$NG" ] && [ -n "$N4" ] && [ -n "$NP" ] || fail "test records"
sync_until_ok 1
check_agree
[ "$(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM records WHERE json_extract(record, '\$.state') = 'signed'")" = 4 ] \
  || fail "signed records not on the server"

# 1. The client keeps an incomplete record back and names what is missing; nothing is sent.
rc=0; cli submit --numbers "$N4" --json >"$T/s1.json" || rc=$?
[ $rc = 5 ] || fail "incomplete submit exit $rc: $(cat "$T/s1.json")"
[ "$(js "$T/s1.json" "d['results'][0]['code'], d['results'][0]['by'], d['results'][0]['missing']")" \
  = "('incomplete', 'client', ['fee', 'eligibility', 'signature'])" ] || fail "client refusal: $(cat "$T/s1.json")"
js "$T/s1.json" "d['results'][0]['reason']" | grep -q "fee is not recorded as paid" || fail "reason does not name the fee"
[ "$(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM submissions")" = 0 ] || fail "an incomplete record was sent"
rc=0; cli submit --numbers "$N4" >"$T/s1.txt" 2>&1 || rc=$?
[ $rc = 5 ] && grep -q "$N4 not submitted: .*signed the proof sheet" "$T/s1.txt" || fail "text output: $(cat "$T/s1.txt")"
pass "incomplete record kept back by the client, missing items named"

# 2. Forced: the province refuses with its own reasons, per record.
rc=0; cli submit --numbers "$N4,$NP" --force --json >"$T/s2.json" || rc=$?
[ $rc = 5 ] || fail "forced submit exit $rc: $(cat "$T/s2.json")"
[ "$(js "$T/s2.json" "[(r['number'] == '$N4', r['by'], r['code'], r['missing']) for r in d['results']]")" \
  = "[(True, 'province', 'incomplete', ['fee', 'eligibility', 'signature']), (False, 'province', 'incomplete', ['photo', 'fee', 'eligibility', 'signature'])]" ] \
  || fail "province refusal: $(cat "$T/s2.json")"
[ "$(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM submitted")" = 0 ] || fail "server submitted an incomplete record"
[ "$(state_of "$N4")" = numbered ] || fail "refused record changed state"
cli candidate show "$N4" --json >"$T/show4.json" || fail "show"
[ "$(js "$T/show4.json" "d['submission']['status'], d['submission']['code']")" = "('refused', 'incomplete')" ] \
  || fail "show lacks the refusal: $(cat "$T/show4.json")"
js "$T/show4.json" "d['submission']['reason']" | grep -q "province refused record $N4" || fail "show reason"
cli candidate show "$N4" | grep -q "^submission .*refused" || fail "text show lacks the refusal"
pass "forced incomplete records refused by the province, reasons per record, shown on the record"

# 3. A lost answer: the province applied the submission, the client never heard.
lose_answer() {  # NUMBER
  cli sync set max_tries 1
  province fault add submissions close_after --count 1
  rc=0; cli submit --numbers "$1" --json >"$T/lost.json" 2>>"$T/cli.log" || rc=$?
  [ $rc = 8 ] || fail "lost answer exit $rc: $(cat "$T/lost.json")"
  [ "$(sqlite3 "$T/ws.db" "SELECT COUNT(*) FROM submissions")" = 1 ] || fail "submission not kept for resending"
  [ "$(state_of "$1")" = signed ] || fail "submitted without an answer"
  cli sync set max_tries 40
}
lose_answer "$N1"
[ "$(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM submitted")" = 1 ] || fail "server did not apply it"
# The next sync run (the background worker's too) sends it again, same id and bytes.
sync_until_ok 1
[ "$(sqlite3 "$T/ws.db" "SELECT COUNT(*) FROM submissions")" = 0 ] || fail "stored submission left after sync"
[ "$(state_of "$N1")" = submitted ] || fail "N1 not submitted after the resend"
[ "$(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM submissions")" = 2 ] || fail "server holds $(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM submissions") submissions, not 2"
# Lost again; this time the next submit sends it first, then the new one.
lose_answer "$N2"
cli submit --no-sync --all-complete --json >"$T/s4.json" || fail "resend: $(cat "$T/s4.json")"
# The resent one first, then the new one.
[ "$(js "$T/s4.json" "d['results'][0]['number'], sorted((r['number'], r['status']) for r in d['results'])")" \
  = "$(python3 -c "import sys; print(('$N2', sorted((n, 'accepted') for n in sys.argv[1:])))" "$N2" "$N3" "$NG")" ] \
  || fail "resend results: $(cat "$T/s4.json")"
[ "$(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM submissions")" = 4 ] || fail "server holds $(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM submissions") submissions, not 4"
[ "$(sqlite3 "$T/ws.db" "SELECT COUNT(*) FROM submissions")" = 0 ] || fail "stored submission left"
for n in "$N1" "$N2"; do [ "$(audit_count submitted "$n")" = 1 ] || fail "$n submitted $(audit_count submitted "$n") times in the audit log"; done
[ "$(sqlite3 "$T/ws.db" "SELECT DISTINCT operator FROM audit_log WHERE action = 'submitted'")" = province ] \
  || fail "submitted not audited as province"
pass "lost answers: the same submission resent (by sync and by submit), applied once"

# 4. An answer naming another record is refused whole; the same bytes go again.
"$SYNC_FILL" complete "$T/ws.db" 1 >"$T/complete3.txt" || fail "complete 3"
NH=$(cat "$T/complete3.txt")
province fault add submissions answer_other_record --count 1
cli submit --numbers "$NH" --json >"$T/s5.json" || fail "garbled answer: $(cat "$T/s5.json")"
[ "$(js "$T/s5.json" "d['accepted'], d['refused']")" = "(1, 0)" ] || fail "after garbled answer: $(cat "$T/s5.json")"
for n in "$N1" "$N2" "$N3" "$NG" "$NH"; do [ "$(state_of "$n")" = submitted ] || fail "$n not submitted"; done
[ "$(sqlite3 "$T/ws.db" "SELECT COUNT(*) FROM candidates WHERE state = 'submitted'")" = 5 ] || fail "other records submitted"
province dump --records >"$T/dump.json"
[ "$(js "$T/dump.json" "sorted(r['number'] for r in d['record_list'] if r['submitted'])")" \
  = "$(printf '%s\n' "$N1" "$N2" "$N3" "$NG" "$NH" | sort | python3 -c "import sys; print(sorted(sys.stdin.read().split()))")" ] \
  || fail "server dump: $(js "$T/dump.json" "[(r['number'], r['submitted']) for r in d['record_list']]")"
# Submitting is not a change of the record: nothing is uploaded again, no batch says "submitted".
cli sync --once --json | grep -q '"records_sent" : 0' || fail "submitted records uploaded again"
[ "$(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM records WHERE json_extract(record, '\$.state') = 'submitted'")" = 0 ] \
  || fail "a batch carried submitted"
cli submit --all-complete --json >"$T/s6.json" || fail "all-complete with nothing left"
[ "$(js "$T/s6.json" "d['sent'], d['accepted']")" = "(0, 0)" ] || fail "all-complete resent: $(cat "$T/s6.json")"
pass "complete records accepted and submitted on both sides; a garbled answer refused whole"

# 5. Nobody sets `submitted` or a county state by hand.
"$SYNC_FILL" complete "$T/ws.db" 1 >"$T/complete2.txt" || fail "complete 2"
N5=$(cat "$T/complete2.txt")
printf 'admin-pass\n' >"$T/admin.pw"
rc=0; cli candidate state "$N5" submitted 2>/dev/null || rc=$?
[ $rc = 2 ] || fail "candidate state still exists (exit $rc)"
for s in submitted county_reviewed returned; do
  rc=0; cli candidate correct-state "$N5" "$s" --reason "试" --operator admin --password-file "$T/admin.pw" \
    2>"$T/state.err" || rc=$?
  [ $rc = 5 ] || fail "correct-state $s exit $rc: $(cat "$T/state.err")"
done
[ "$(state_of "$N5")" = signed ] || fail "state changed by hand"
pass "submitted and the county's states cannot be set by hand, not even by the supervisor's correction"

# 6. After the city's submission deadline the province refuses.
sed 's/"submission_closes": "2099-11-20T10:00:00Z"/"submission_closes": "2026-12-01T10:00:00Z"/' "$POINT_JSON" >"$T/closed.json"
grep -q 2026-12-01 "$T/closed.json" || fail "spec not changed"
province provision "$T/closed.json" || fail "re-provision"
rc=0; cli submit --numbers "$N5" --json >"$T/s7.json" || rc=$?
[ $rc = 5 ] || fail "after deadline exit $rc: $(cat "$T/s7.json")"
[ "$(js "$T/s7.json" "d['results'][0]['code'], d['results'][0]['by']")" = "('deadline_passed', 'province')" ] \
  || fail "deadline refusal: $(cat "$T/s7.json")"
js "$T/s7.json" "d['results'][0]['reason']" | grep -q "2026-12-01 18:00 (Beijing time)" || fail "deadline not named"
[ "$(state_of "$N5")" = signed ] || fail "refused after deadline but state changed"
pass "submission after the city's deadline refused by the province, deadline named"

# 7. Registration deadlines: no new number after registration_closes.
ID=$(python3 -c "s='43010220030708011'; w=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]
print(s + '10X98765432'[sum(int(a) * b for a, b in zip(s, w)) % 11])")
cat >"$T/rec.json" <<JSON
{"id_type":"resident_card","id_number":"$ID","name":"截止考生","sex":"1","nation":"01",
 "birth_date":"2003-07-08","address":"湖南省长沙市","category":"5"}
JSON
n_before=$(sqlite3 "$T/ws.db" "SELECT COUNT(*) FROM candidates")
BAOMING_NOW=2100-01-01T00:00:00Z cli candidate add --json "$T/rec.json" >/dev/null 2>"$T/add.err" && fail "added after the deadline (clock seam)"
grep -q "Registration closed at 2099-11-08 18:00 (Beijing time)" "$T/add.err" || fail "message: $(cat "$T/add.err")"
python3 - "$POINT_JSON" "$T/cat.json" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
spec["deadlines"]["categories"] = {"5": {"registration_closes": "2026-12-01T02:00:00Z"}}
json.dump(spec, open(sys.argv[2], "w"), ensure_ascii=False)
PY
province provision "$T/cat.json" || fail "re-provision per category"
sync_until_ok 1
rc=0; cli candidate add --json "$T/rec.json" >/dev/null 2>"$T/add5.err" || rc=$?
[ $rc = 5 ] || fail "category 5 add exit $rc"
grep -q "Registration for category 5 closed at 2026-12-01 10:00 (Beijing time)" "$T/add5.err" || fail "message: $(cat "$T/add5.err")"
sed 's/"category":"5"/"category":"1"/' "$T/rec.json" >"$T/rec1.json"
cli candidate add --json "$T/rec1.json" >/dev/null 2>"$T/add1.err" || fail "category 1 refused before its deadline: $(cat "$T/add1.err")"
[ "$(sqlite3 "$T/ws.db" "SELECT COUNT(*) FROM candidates")" = $((n_before + 1)) ] || fail "record count"
pass "registration deadlines: general (clock seam) and per 科类, named in Beijing time"
