#!/bin/sh
# Build a libFuzzer target with clang (meson's compiler may be gcc).
#   build-fuzz.sh SRC_ROOT BUILD_ROOT OUT TARGET.c CORE_SOURCES...
set -eu
src=$1 build=$2 out=$3 target=$4; shift 4
command -v clang >/dev/null || { echo "clang is needed for the fuzz targets" >&2; exit 1; }
# shellcheck disable=SC2046
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$build" -I"$src/src/core" -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 \
  "$target" "$@" $(pkg-config --cflags --libs glib-2.0 gobject-2.0 gio-2.0 json-glib-1.0 libjpeg libpng) -lm \
  -o "$out"
