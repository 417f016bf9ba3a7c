#!/bin/sh
# The core must stay free of GTK and hardware libraries (architecture.md).
set -eu
root=$1
bad=$(grep -nE '#include *<(gtk/|gdk/|curl/|PCSC/|winscard|libv4l|linux/videodev|cups/|cairo|pango)' \
  "$root"/src/core/*.c "$root"/src/core/*.h || true)
if [ -n "$bad" ]; then
  echo "not ok - src/core includes a GTK, network or hardware header:"
  echo "$bad"
  exit 1
fi
echo "ok - src/core includes only GLib, SQLite and json-glib"
