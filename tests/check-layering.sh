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

# One pass: every quoted include of every layer, checked against the layer
# that holds the header (generated headers such as bm-config.h hold none).
cross=$(cd "$root" && for layer in core devices print sync station cli app; do
          [ -d "$layer" ] || { echo "MISSING $layer"; continue; }
          echo "ALLOW $layer $(allowed "$layer")"
        done
        ls */bm-*.h | sed 's|^\([a-z]*\)/\(.*\)$|HEADER \2 \1|'
        grep -H '^#include *"bm-' core/* devices/* print/* sync/* station/* cli/* app/* 2>/dev/null \
          | sed 's|^\([a-z]*\)/\([^:]*\):#include *"\([^"]*\)".*|USE \1 \2 \3|')
bad=$(echo "$cross" | awk '
  $1 == "MISSING" { print "not ok - src/" $2 " is missing" }
  $1 == "ALLOW"   { for (i = 3; i <= NF; i++) ok[$2 " " $i] = 1 }
  $1 == "HEADER"  { owner[$2] = $3 }
  $1 == "USE"     { if (($4 in owner) && !(($2 " " owner[$4]) in ok))
                      print "not ok - src/" $2 "/" $3 " includes " $4 " from src/" owner[$4] " (layers point down)" }')
if [ -n "$bad" ]; then
  echo "$bad"
  status=1
fi

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
