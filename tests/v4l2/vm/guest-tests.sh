# Sourced inside the VM (cwd = work dir) by test-vivid.sh. Runs the
# project's own baoming-cli against vivid's /dev/video0. A failing command
# fails the run; outputs land in the work dir for the host to check.
set -e
export LC_ALL=C.UTF-8
CLI=$(cat cli-path)
ls -l /dev/video* > devices.txt
v4l2-ctl -d /dev/video0 --all > v4l2-ctl-all.txt
v4l2-ctl -d /dev/video0 --list-ctrls-menus > v4l2-ctrls.txt
# deterministic frames: no OSD text (it carries a timestamp); full-range YUV,
# which libv4lconvert's YUV->RGB assumes
v4l2-ctl -d /dev/video0 -c osd_text_mode=2 -c quantization=1
"$CLI" camera list --json > list.json
# 1. native RGB24 (vivid has it): the colour bars at 640x480
"$CLI" camera capture --device /dev/video0 --out frame-rgb24.ppm --skip 2 --json > capture-rgb24.json
# 2. real YUYV -> RGB24 conversion by libv4lconvert: a test plugin hides
#    every format but YUYV (testing-v4l2.md A.6)
mount --bind "$PWD/plugins" /usr/lib/x86_64-linux-gnu/libv4l/plugins
LIBV4L2_FMTFILTER=YUYV LIBV4L2_LOG_FILENAME=$PWD/libv4l2-yuyv.log \
  "$CLI" camera capture --device /dev/video0 --out frame-yuyv.ppm --skip 2 --json > capture-yuyv.json
umount /usr/lib/x86_64-linux-gnu/libv4l/plugins
# 3. a photo from a detailed picture (vivid's noise pattern; flat colour bars
#    cannot reach 20 KB): exercises the size fit
noise=$(sed -n 's/^[[:space:]]*\([0-9]*\): Noise[[:space:]]*$/\1/p' v4l2-ctrls.txt | head -n 1)
v4l2-ctl -d /dev/video0 -c test_pattern="$noise"
"$CLI" camera capture --device /dev/video0 --photo photo.jpg --skip 2 --json > capture-photo.json || true
# 4. an absent node must say so (exit 8)
rc=0
"$CLI" camera capture --device /dev/video9 --out none.ppm > /dev/null 2> absent.txt || rc=$?
echo $rc > absent-rc.txt
echo "guest uptime $(cut -d' ' -f1 /proc/uptime) s"
