#!/bin/sh
# test-upgrade-store.sh CLI FIXTURES
# Upgrade safety: a store made by the previous release (schema 45,
# tests/data/fixtures/make-store-v45.sh says how) is opened by this build,
# which migrates it forward; afterwards every record reads back as the old
# build wrote it, both photos are intact, the audit chain verifies over
# every record and the store is at this build's schema. This is what the
# first start after `apt install` of a newer package does to a counter's
# store. Runs on a copy: the checked-in fixture is never written. TAP output.
set -u
cli=$1; fixtures=$2
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; }
check() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
export LC_ALL=C.UTF-8 GSETTINGS_BACKEND=memory
(
cp "$fixtures/store-v45.db" "$t/store.db"
chmod 600 "$t/store.db"
run() { "$cli" --training --db "$t/store.db" "$@"; }

check "the fixture is a schema-45 store" '[ "$(sqlite3 "$t/store.db" "PRAGMA user_version")" = 45 ]'

# The first open by this build migrates; the list is what the clerk sees.
run candidate list --json > "$t/list.json" 2> "$t/err"; rc=$?
check "candidate list on the old store exits 0 ($(cat "$t/err"))" '[ "$rc" -eq 0 ]'

"$cli" --training --db "$t/fresh.db" init >/dev/null 2>&1
latest=$(sqlite3 "$t/fresh.db" "PRAGMA user_version")
migrated=$(sqlite3 "$t/store.db" "PRAGMA user_version")
check "the store is at this build's schema after the first open (store $migrated, a new store $latest; the fixture was 45)" \
  '[ "$migrated" = "$latest" ] && [ "$migrated" -gt 45 -o "$latest" = 45 ]'

for number in 00000001 00003001; do
  run photo export "$number" --out "$t/$number.jpg" > "$t/$number.sha" 2>/dev/null
done
run audit verify --json > "$t/audit.json" 2>/dev/null; audit_rc=$?
check "audit verify exits 0 after the migration" '[ "$audit_rc" -eq 0 ]'
run db check --json > "$t/db.json" 2>/dev/null; db_rc=$?
check "db check exits 0 after the migration" '[ "$db_rc" -eq 0 ]'

# Every record, field by field: each key the old build printed has the same
# value now (later releases may add keys, never change what was stored).
python3 - "$fixtures/expected-v45.json" "$t" <<'PY'
import json, os, sys
expected = json.load(open(sys.argv[1])); t = sys.argv[2]
out = []
def check(name, cond):
    out.append(("ok" if cond else "not ok", name))
try:
    now = {r["number"]: r for r in json.load(open(os.path.join(t, "list.json")))}
except ValueError:
    now = {}
check("the list has the %d records of the old store" % len(expected["records"]),
      sorted(now) == sorted(r["number"] for r in expected["records"]))
for old in expected["records"]:
    new = now.get(old["number"], {})
    diff = [k for k in old if new.get(k) != old[k]]
    check("record %s (%s, %s) unchanged%s" % (old["number"], old["state"], "voided" if old["voided"] else "live",
          "" if not diff else ": " + ", ".join("%s %r -> %r" % (k, old[k], new.get(k)) for k in diff)), not diff)
for number, sha in sorted(expected["photos"].items()):
    path = os.path.join(t, number + ".sha")
    got = open(path).read().split()[:1] if os.path.exists(path) else []
    check("photo of %s exports with the SHA-256 it was stored with" % number, got == [sha])
try:
    audit = json.load(open(os.path.join(t, "audit.json")))
except ValueError:
    audit = {}
check("audit chain ok: %r" % audit, audit.get("ok") is True)
check("audit covers every record, none altered", audit.get("records") == len(expected["records"])
      and audit.get("records_not_covered") == 0 and audit.get("records_altered") == [])
check("audit keeps the old chain's %d entries" % expected["audit"]["entries"],
      audit.get("entries", 0) >= expected["audit"]["entries"])
try:
    db = json.load(open(os.path.join(t, "db.json")))
except ValueError:
    db = {}
check("db check ok with %d candidates" % len(expected["records"]),
      db.get("ok") is True and db.get("candidates") == len(expected["records"]))
for status, name in out:
    print(status, "-", name)
sys.exit(1 if any(s != "ok" for s, _ in out) else 0)
PY
) > "$t/tap"
cat "$t/tap"
echo "1..$(grep -c '^\(not \)\?ok ' "$t/tap")"
# Every check printed its line; the test fails if any said not ok.
! grep -q '^not ok' "$t/tap"
