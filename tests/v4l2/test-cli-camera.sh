#!/bin/sh
# baoming-cli camera list|capture against the fake camera plugin, in a
# private mount namespace (root, as in CI). TAP output.
# usage: test-cli-camera.sh BAOMING_CLI PLUGIN PLUGIN_DIR BM_MAKE_PORTRAIT
set -u
CLI=$(realpath "$1") PLUGIN=$(realpath "$2") PLUGDIR=$3 MAKE=$(realpath "$4")
if [ -z "${BM_IN_NAMESPACE:-}" ]; then
  [ "$(id -u)" = 0 ] || { echo "1..0 # the v4l2 suite must run as root (bind mount in a private namespace)"; exit 1; }
  W=$(mktemp -d)
  trap 'rm -rf "$W"' EXIT INT TERM
  mkdir "$W/plugins" && cp "$PLUGIN" "$W/plugins/"
  BM_IN_NAMESPACE=1 W=$W unshare -m sh -c "mount --bind '$W/plugins' '$PLUGDIR' && exec sh '$0' '$1' '$2' '$3' '$4'"
  exit $?
fi
cd "$W" || exit 1
n=0 failed=0
ok () { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed+1)); fi; }
expect_rc () { want=$1 desc=$2; shift 2; "$@" >out.txt 2>err.txt; rc=$?; [ $rc -eq "$want" ]; r=$?; [ $r -eq 0 ] || echo "# $desc: exit $rc, wanted $want: $(cat err.txt)"; ok $r "$desc"; }
DEV=$W/cam0.v4l2fake
: > "$DEV"

BAOMING_CAMERA_EXTRA_DEVICES=$DEV expect_rc 0 "camera list" $CLI camera list --json
python3 - out.txt "$DEV" <<'PY'; ok $? "list: fake camera with YUYV and emulated RGB3, 1280x960"
import json,sys; cams=json.load(open(sys.argv[1])); c=[c for c in cams if c["path"]==sys.argv[2]][0]
f={x["fourcc"]:x for x in c["formats"]}
assert c["card"]=="Baoming fake camera" and c["width"]==1280 and c["height"]==960, c
assert not f["YUYV"]["emulated"] and f["RGB3"]["emulated"] and "1280x960" in f["YUYV"]["sizes"], f
PY

expect_rc 0 "capture YUYV to PPM" $CLI camera capture --device "$DEV" --out frame.ppm --json
python3 - frame.ppm <<'PY'; ok $? "capture: 1280x960 PPM with the four colour bars"
import sys; d=open(sys.argv[1],'rb').read(); assert d.startswith(b'P6\n1280 960\n255\n'), d[:20]
px=d[len(b'P6\n1280 960\n255\n'):]; want=[(255,255,255),(255,0,0),(0,255,0),(0,0,255)]
for b,w in enumerate(want):
    x=b*320+160; o=(480*1280+x)*3; got=tuple(px[o:o+3])
    assert all(abs(g-v)<=8 for g,v in zip(got,w)), (b,got,w)
PY

$MAKE --width 1280 --height 960 portrait.ppm
FAKECAM_FORMAT=MJPG FAKECAM_IMAGE=$W/portrait.ppm expect_rc 0 "capture MJPEG portrait with --photo" \
  $CLI camera capture --device "$DEV" --out frame.jpg --photo photo.jpg --json
python3 - out.txt <<'PY'; ok $? "capture: standard photo passes every check"
import json,sys; r=json.load(open(sys.argv[1])); p=r["photo"]
assert r["converting"] and p["width"]==480 and p["height"]==640 and 20480<=p["bytes"]<=40000, p
bad=[c["id"] for c in p["checks"] if not c["passed"]]; assert not bad and p["acceptable"], bad
PY
expect_rc 0 "the written photo checks out" $CLI photo check photo.jpg

expect_rc 0 "capture at most 640x480" $CLI camera capture --device "$DEV" --width 640 --height 480 --out small.ppm
[ "$(head -c 14 small.ppm | tr '\n' ' ')" = "P6 640 480 255" ]; ok $? "capture: 640x480 negotiated"

# capture straight onto a record
$CLI --db "$W/s.db" --training init >/dev/null
python3 -c "
w=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]; s='43010220030708011'
print('{\"id_type\":\"resident_card\",\"id_number\":\"%s\",\"name\":\"测试\",\"sex\":\"1\",\"nation\":\"01\",\"birth_date\":\"2003-07-08\",\"address\":\"长沙\",\"category\":\"1\"}' % (s+'10X98765432'[sum(int(a)*b for a,b in zip(s,w))%11]))" > c.json
NUM=$($CLI --db "$W/s.db" --training candidate add --json c.json | sed -n 's/.*"number" *: *"\([0-9]*\)".*/\1/p')
FAKECAM_IMAGE=$W/portrait.ppm expect_rc 0 "capture --number stores the photo" \
  $CLI --db "$W/s.db" --training camera capture --device "$DEV" --number "$NUM"
expect_rc 0 "stored photo exported" $CLI --db "$W/s.db" --training photo export "$NUM" --out stored.jpg
expect_rc 0 "record is photographed" $CLI --db "$W/s.db" --training candidate show "$NUM"
grep -q "photographed" out.txt; ok $? "state photographed"
expect_rc 3 "uniform bars are refused (no face, too little detail)" \
  $CLI --db "$W/s.db" --training camera capture --device "$DEV" --number "$NUM"

# errors and exit codes (docs/cli.md: 8 device unavailable, 9 timeout)
expect_rc 8 "no such device" $CLI camera capture --device "$W/none.v4l2fake" --out x.ppm
FAKECAM_FORMAT=H264 expect_rc 8 "no usable format" $CLI camera capture --device "$DEV" --out x.ppm
FAKECAM_FAIL=busy expect_rc 8 "busy" $CLI camera capture --device "$DEV" --out x.ppm
grep -q "in use by another program" err.txt; ok $? "busy: message says so"
FAKECAM_FAIL=unplug@2 expect_rc 8 "unplugged mid-stream" $CLI camera capture --device "$DEV" --out x.ppm
grep -q "unplugged" err.txt; ok $? "unplugged: message says so"
: > "$DEV"
FAKECAM_FAIL=stall@1 expect_rc 9 "stalled camera times out" $CLI camera capture --device "$DEV" --out x.ppm --timeout 2

echo "1..$n"
[ $failed -eq 0 ]
