#!/bin/sh
# fault-matrix.sh: issue 10 ("Hostile world"), the "Fault matrix at scale"
# campaign: RECORDS records with photos (default 10,000) go to the
# development provincial server through every recoverable fault mode it
# has, from two workstations of two points (a 报名顺序号 has a 4-digit
# serial, so one 市县码 holds at most 9,999 numbers). Each round adds and
# edits records on both workstations, arms one fault mode (or several) on
# the server, and syncs until a run succeeds. Afterwards (checks print a
# violation each; exit 1 if any):
#   - each record is on the server exactly once, with the client's latest
#     version, applied no more often than it has versions (lib.sh check_agree)
#   - no 报名顺序号 twice on the server (both points) or in either store
#   - every processed photo is on the server; no batch waits; queues empty
#   - audit verify and db check ok on both stores
#
# Not a meson test (it takes many minutes). Run by hand, after a build:
#   nice -n 19 tests/sync/fault-matrix.sh [BUILD_DIR]         (default _build)
# Settings (environment): RECORDS (default 10000), PHOTO_BYTES (default 3000),
# KEEP_TMP=1 keeps the work directory.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$src/_build}" && pwd)
export BM_CLI="$build/src/cli/baoming-cli" BM_PROVINCE="$build/tests/province/bm-province" \
       SYNC_FILL="$build/tests/sync/sync-fill" MKCERT="$src/tests/province/mkcert.sh" \
       POINT_JSON="$src/tests/province/point-0102.json"
for f in "$BM_CLI" "$BM_PROVINCE" "$SYNC_FILL"; do
  [ -x "$f" ] || { echo "fault-matrix: $f missing (build first)" >&2; exit 1; }
done
command -v python3 >/dev/null || { echo "fault-matrix: python3 missing" >&2; exit 1; }
. "$src/tests/sync/lib.sh"
set -f   # fault endpoints may be "*"

RECORDS=${RECORDS:-10000}
PHOTO_BYTES=${PHOTO_BYTES:-3000}
per_ws=$(( (RECORDS + 1) / 2 ))
[ "$per_ws" -le 9998 ] || fail "RECORDS=$RECORDS: at most 19,996 with two points"
half=$(( (per_ws + 1) / 2 ))   # per 科类 (sync-fill alternates 1 and 5)
violations=0
violation() { echo "VIOLATION: $*" >&2; violations=$((violations + 1)); }

# Two points, each with the whole serial space of its 市县码, deadlines far
# ahead (the campaign is about sync, not about the calendar).
python3 - "$POINT_JSON" "$T" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
for county, code in (("0102", "010201"), ("0103", "010301")):
    p = json.loads(json.dumps(spec))
    p["point"]["code"] = code
    p["point"]["county_code"] = county
    p["ranges"] = [{"category": "1", "first": county + "0001", "last": county + "4999"},
                   {"category": "5", "first": county + "5001", "last": county + "9999"}]
    for k in list(p.get("deadlines", {})):
        p["deadlines"][k] = "2099-12-31T00:00:00Z"
    json.dump(p, open("%s/point-%s.json" % (sys.argv[2], county), "w"), ensure_ascii=False)
PY
make_cert
province provision "$T/point-0102.json" || fail "provision 0102"
province provision "$T/point-0103.json" || fail "provision 0103"
start_server

for ws in 1 2; do
  point=$([ "$ws" = 1 ] && echo 010201 || echo 010301)
  WS_DB="$T/ws$ws.db" BAOMING_PASSWORD=clerk-pass cli setup --server "https://127.0.0.1:$PORT" --point "$point" \
      --user clerk --ca-file "$T/cert.pem" --pin "$(cat "$T/pin")" --slice-size "$((half + 10))" >/dev/null \
      || fail "setup of workstation $ws"
  WS_DB="$T/ws$ws.db" cli sync set backoff_ms 20
  WS_DB="$T/ws$ws.db" cli sync set max_tries 40
  WS_DB="$T/ws$ws.db" cli sync set batch_records 50
  WS_DB="$T/ws$ws.db" cli sync set reconcile_interval_s 0
done

# The recoverable fault modes of tests/province/README.md. Modes that are
# meant to stop a record for the clerk (record_too_large, rejected records)
# are not here: this campaign proves nothing is lost or doubled.
set -- \
  "batches close_before --count 2" \
  "batches close_after --count 3" \
  "batches status --p1 500 --count 3" \
  "* status --p1 503 --p2 1 --count 2" \
  "batches status --p1 429 --p2 1 --count 1" \
  "* delay --p1 100 --count 8" \
  "batches truncate --count 2" \
  "changes truncate --count 1" \
  "batches repeat_old --count 2" \
  "* expire_token --count 1" \
  "photos close_before --count 3" \
  "photos status --p1 500 --count 2" \
  "photos truncate --count 1" \
  "batches answer_other_record --count 1" \
  "batches answer_other_version --count 1" \
  "batches drop_accepted --count 1" \
  "batches limit --p1 7 --count 2" \
  "batches close_after --count 1|batches repeat_old --count 1|* status --p1 503 --p2 1 --count 1|photos truncate --count 1|* expire_token --count 1"
rounds=$#
per_round=$(( per_ws / rounds ))
extra=$(( per_ws - per_round * rounds ))
offset=0
round=0
start_all=$(date +%s)
for faults in "$@"; do
  round=$((round + 1))
  n=$per_round
  [ "$round" -eq "$rounds" ] && n=$((n + extra))
  for ws in 1 2; do
    # ID numbers differ across the two workstations: offsets apart by per_ws.
    "$SYNC_FILL" add "$T/ws$ws.db" "$n" "$PHOTO_BYTES" "$(( offset + (ws - 1) * per_ws ))" || fail "fill ws$ws"
    "$SYNC_FILL" edit "$T/ws$ws.db" 10 || fail "edit ws$ws"
  done
  offset=$((offset + n))
  province fault clear
  IFS='|'
  for f in $faults; do
    IFS=' '
    # shellcheck disable=SC2086
    province fault add $f || fail "fault $f"
  done
  IFS=' '
  start=$(date +%s)
  for ws in 1 2; do WS_DB="$T/ws$ws.db" sync_until_ok 8; done
  # A fault that never fired proves nothing: each must have been used up.
  unfired=$(sqlite3 "$T/p.db" "SELECT group_concat(endpoint || ' ' || kind, ', ') FROM faults WHERE remaining > 0")
  [ -z "$unfired" ] || violation "round $round: faults never fired: $unfired"
  province fault clear
  for ws in 1 2; do WS_DB="$T/ws$ws.db" cli sync --once >/dev/null 2>>"$T/cli.log" || true; done
  echo "round $round/$rounds: +$n records per workstation through [$faults] in $(( $(date +%s) - start )) s"
done

for ws in 1 2; do
  db="$T/ws$ws.db"
  WS_DB=$db check_agree
  dup=$(sqlite3 "$db" "SELECT COUNT(*) FROM (SELECT number FROM candidates GROUP BY number HAVING COUNT(*) > 1)")
  [ "$dup" = 0 ] || violation "workstation $ws: $dup numbers twice in the store"
  WS_DB=$db cli audit verify >/dev/null 2>&1 || violation "workstation $ws: audit verify"
  WS_DB=$db cli db check >/dev/null 2>&1 || violation "workstation $ws: db check"
done
total=$(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM records")
[ "$total" = "$((per_ws * 2))" ] || violation "server holds $total records, expected $((per_ws * 2))"
twice=$(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM (SELECT number FROM records GROUP BY number HAVING COUNT(*) > 1)")
[ "$twice" = 0 ] || violation "$twice numbers twice on the server"
photos=$(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM photos")
echo "records: $total on the server from 2 workstations; photos on the server: $photos;" \
     "$rounds rounds in $(( $(date +%s) - start_all )) s; violations: $violations"
[ "$violations" = 0 ] || exit 1
echo "fault matrix: ok"
