#!/bin/sh
# Every include between the layers of src/ points down (architecture.md):
#   core                 GLib, SQLite, json-glib only
#   devices, print, sync core (and their own libraries), not each other
#   station              core, devices, print, sync; no GTK
#   cli, app             anything below; not each other
# plus: no GTK below app, no hardware or network library in core.
set -eu
root=$1/src
status=0

allowed() {
  case $1 in
    core) echo "core" ;;
    devices|print|sync) echo "core $1" ;;
    station) echo "core devices print sync station" ;;
    cli) echo "core devices print sync station cli" ;;
    app) echo "core devices print sync station app" ;;
  esac
}

# which layer holds each project header
headers=$(cd "$root" && ls */bm-*.h)

for layer in core devices print sync station cli app; do
  [ -d "$root/$layer" ] || { echo "not ok - src/$layer is missing"; status=1; continue; }
  ok=$(allowed "$layer")
  for f in "$root/$layer"/*.c "$root/$layer"/*.h; do
    [ -e "$f" ] || continue
    for h in $(sed -n 's/^#include *"\(bm-[a-z0-9-]*\.h\)".*/\1/p' "$f"); do
      owner=$(echo "$headers" | grep "/$h\$" | head -n1 | cut -d/ -f1)
      [ -n "$owner" ] || continue    # generated (bm-config.h, resources)
      case " $ok " in
        *" $owner "*) ;;
        *) echo "not ok - src/$layer/$(basename "$f") includes $h from src/$owner (layers point down)"; status=1 ;;
      esac
    done
  done
done

bad=$(grep -nE '#include *<(gtk/|gdk/|curl/|PCSC/|winscard|libv4l|linux/videodev|cups/|cairo|pango)' \
  "$root"/core/*.c "$root"/core/*.h || true)
if [ -n "$bad" ]; then
  echo "not ok - src/core includes a GTK, network or hardware header:"
  echo "$bad"
  status=1
fi
bad=$(grep -nE '#include *<(gtk/|gdk/)' "$root"/core/* "$root"/devices/* "$root"/print/* "$root"/sync/* \
  "$root"/station/* "$root"/cli/* || true)
if [ -n "$bad" ]; then
  echo "not ok - GTK below the app layer:"
  echo "$bad"
  status=1
fi
[ $status -ne 0 ] || echo "ok - every include points down (core < devices, print, sync < station < cli, app)"
exit $status
