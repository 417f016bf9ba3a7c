#!/bin/sh
# baoming-cli photo check|import|export on generated pictures and a real
# SQLite store. TAP output.
# usage: test-cli-photo.sh BAOMING_CLI BM_MAKE_PORTRAIT
set -u
CLI=$(realpath "$1") MAKE=$(realpath "$2")
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT INT TERM
cd "$W" || exit 1
n=0 failed=0
ok () { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed+1)); fi; }
check () { desc=$1; shift; "$@" >out.txt 2>err.txt; ok $? "$desc"; }
expect_rc () { want=$1 desc=$2; shift 2; "$@" >out.txt 2>err.txt; rc=$?; [ $rc -eq "$want" ]; r=$?; [ $r -eq 0 ] || echo "# $desc: exit $rc, wanted $want: $(cat err.txt)"; ok $r "$desc"; }

id () {  # 18-digit resident ID with a valid check character
  python3 -c "import sys
w=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]; s=sys.argv[1]
print(s+'10X98765432'[sum(int(a)*b for a,b in zip(s,w))%11])" "$1"
}

DB="--db $W/store.db"
check "training store" $CLI $DB --training init
for serial in 011 013 015; do
  cat > c.json <<JSON
{"id_type":"resident_card","id_number":"$(id 43010220030708$serial)","name":"测试考生","sex":"1","nation":"01",
 "birth_date":"2003-07-08","address":"湖南省长沙市","category":"1"}
JSON
  $CLI $DB --training candidate add --json c.json > "cand$serial.json" || echo "# candidate add failed"
done
N1=$(sed -n 's/.*"number" *: *"\([0-9]*\)".*/\1/p' cand011.json)
N2=$(sed -n 's/.*"number" *: *"\([0-9]*\)".*/\1/p' cand013.json)
ID3=$(id 43010220030708015)
[ -n "$N1" ] && [ -n "$N2" ]; ok $? "numbers allocated ($N1, $N2)"

$MAKE good.jpg; $MAKE --blur 6 blurred.png; $MAKE --width 300 --height 400 small.jpg; $MAKE --grey grey.jpg
$MAKE --sideways sideways.jpg
expect_rc 0 "check: good photo passes" $CLI photo check good.jpg
grep -q "meets the standard" out.txt; ok $? "check: verdict printed"
expect_rc 3 "check: blurred photo fails (soft)" $CLI photo check --json blurred.png
grep -q '"id" : "blur"' out.txt && grep -q '"acceptable" : false' out.txt; ok $? "check: JSON names the blur check"
expect_rc 3 "check: small picture fails (hard)" $CLI photo check small.jpg
grep -q "must fix" out.txt; ok $? "check: hard failure marked"
expect_rc 3 "check: black and white fails" $CLI photo check grey.jpg
expect_rc 0 "check: EXIF-rotated photo passes" $CLI photo check sideways.jpg --out std.jpg
size=$(stat -c %s std.jpg)
[ "$size" -ge 20480 ] && [ "$size" -le 40000 ]; ok $? "check: --out writes a 20-40 KB photo ($size bytes)"
printf 'GIF89a' > fake.jpg
expect_rc 3 "check: not a JPEG/PNG" $CLI photo check fake.jpg
expect_rc 4 "check: missing file" $CLI photo check nothing.jpg

mkdir in
cp good.jpg "in/$N1.jpg"; cp sideways.jpg "in/$ID3.JPG"; cp good.jpg in/99999999.jpg
head -c 400 good.jpg > "in/$N2.jpg"; echo hello > in/readme.txt
expect_rc 3 "import dir: some files unmatched/rejected" $CLI $DB --training photo import in
grep -q "\"file\" : \"$N1.jpg\"" out.txt; ok $? "import dir: matched by number"
grep -q "\"file\" : \"$ID3.JPG\"" out.txt; ok $? "import dir: matched by ID number"
python3 - out.txt <<'PY'; ok $? "import dir: report counts 2/1/2"
import json,sys; r=json.load(open(sys.argv[1]))
assert len(r["matched"])==2 and len(r["unmatched"])==1 and len(r["rejected"])==2, r
assert r["unmatched"][0]["file"]=="99999999.jpg"
PY
expect_rc 0 "export processed photo" $CLI $DB --training photo export "$N1" --out n1.jpg
[ "$(sha256sum n1.jpg | cut -d' ' -f1)" = "$(cat out.txt)" ]; ok $? "export: printed SHA-256 matches the file"
expect_rc 0 "export original" $CLI $DB --training photo export "$N1" --original --out n1-orig.jpg
cmp -s n1-orig.jpg good.jpg; ok $? "export: original is the imported file"
# Finding 7: every file with candidate data is 0600, whatever the umask.
(umask 000; $CLI $DB --training photo export "$N1" --out n1-umask.jpg >/dev/null 2>&1)
[ "$(stat -c %a n1-umask.jpg)" = 600 ]; ok $? "export under umask 000 is 0600 ($(stat -c %a n1-umask.jpg))"
(umask 000; $CLI photo check good.jpg --out std-umask.jpg >/dev/null 2>&1)
[ "$(stat -c %a std-umask.jpg)" = 600 ]; ok $? "check --out under umask 000 is 0600"
install -m 0644 /dev/null n1-old.jpg
$CLI $DB --training photo export "$N1" --original --out n1-old.jpg >/dev/null 2>&1
[ "$(stat -c %a n1-old.jpg)" = 600 ] && cmp -s n1-old.jpg good.jpg; ok $? "export over an existing 0644 file leaves it 0600"
# Onto something that is not a regular file (a pipe here; /dev/null as root
# in real life) the photo is written into it and the pipe stays a pipe.
mkfifo n1.fifo
cat n1.fifo > n1-fifo.jpg &
$CLI $DB --training photo export "$N1" --original --out n1.fifo >/dev/null 2>&1
wait
[ -p n1.fifo ] && cmp -s n1-fifo.jpg good.jpg; ok $? "export into a pipe writes through it and leaves it a pipe"
expect_rc 0 "import one file with --number" $CLI $DB --training photo import good.jpg --number "$N2"
expect_rc 0 "import blurred: stored with a warning" $CLI $DB --training photo import blurred.png --number "$N2"
expect_rc 3 "import rejects a small picture" $CLI $DB --training photo import small.jpg --number "$N2"
expect_rc 4 "import onto unknown record" $CLI $DB --training photo import good.jpg --number 01029999
# Finding 9: photos are content-addressed; re-importing the same pictures
# adds photo rows (history) but never a second copy of a blob.
blobs () {
  python3 - "$W/store.db" <<'PY'
import sqlite3,sys
db=sqlite3.connect(sys.argv[1])
n,size=db.execute("SELECT count(*), coalesce(sum(length(data)),0) FROM photo_blobs").fetchone()
distinct=db.execute("SELECT count(DISTINCT sha256) FROM photos").fetchone()[0]
inline=db.execute("SELECT coalesce(sum(length(jpeg)),0) FROM photos").fetchone()[0]
rows=db.execute("SELECT count(*) FROM photos").fetchone()[0]
print(n, size, distinct, inline, rows)
PY
}
before=$(blobs)
for i in 1 2 3; do $CLI $DB --training photo import in >/dev/null 2>&1; done
after=$(blobs)
set -- $before; b_n=$1 b_size=$2 b_distinct=$3
set -- $after; a_n=$1 a_size=$2 a_distinct=$3 a_inline=$4 a_rows=$5
[ "$b_n" = "$a_n" ] && [ "$b_size" = "$a_size" ] && [ "$a_n" = "$a_distinct" ] && [ "$a_inline" = 0 ] && [ "$a_rows" -gt "$a_n" ]
ok $? "re-import 3 times: one blob per SHA-256 (before: $before; after: $after)"
expect_rc 0 "export after re-import" $CLI $DB --training photo export "$N1" --out n1-again.jpg
cmp -s n1-again.jpg n1.jpg; ok $? "export after re-import: same bytes"
expect_rc 0 "audit chain intact" $CLI $DB --training audit verify

echo "1..$n"
[ $failed -eq 0 ]
