#!/bin/sh
# packaging/make-offline-repo.sh --out DIR [--deb FILE]... [--key-dir DIR]
#                                [--baseline STATUS] [--extra PKG,...]
# Makes the offline apt repository county IT copies to a USB stick, so that
# `apt install baoming` works on a Debian 12 PC with no network
# (docs/install.md, in Chinese, is their guide).
#
# DIR gets: the baoming package(s), every package they need (Depends and
# Recommends, resolved by apt itself), Packages/Release indexes made by
# apt-ftparchive, Release signed (InRelease, Release.gpg), and the public
# key baoming-archive-keyring.gpg that a PC imports once.
#
# Run it on a Debian 12 machine with network and an up-to-date
# `apt-get update`: the dependencies are downloaded with apt-get download
# from its sources (deb.debian.org by default).
#
#   --deb FILE      a package to publish (repeatable); default: the newest
#                   baoming_*.deb in _build-deb/ (packaging/build-deb.sh)
#   --key-dir DIR   the repository's signing key: a GnuPG home holding it.
#                   Missing or empty: a new key is made there (keep DIR
#                   safe and reuse it, so PCs that imported the key once
#                   keep trusting later repositories).
#   --baseline STATUS  a dpkg status file (/var/lib/dpkg/status) of a
#                   default Debian 12 desktop install: what it already has
#                   is left out. Default: none, the full closure, so the
#                   stick also works on a minimal install.
#   --also FILE     publish this package too, without resolving it (an
#                   older baoming, so a PC can be taken back to it)
#   --extra PKG,... more packages to carry with their dependencies (the
#                   install test adds Xvfb and xdotool this way).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=""; key_dir=""; baseline=""; extra=""; debs=""; also=""
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift ;;
    --deb) debs="$debs $(realpath "$2")"; shift ;;
    --also) also="$also $(realpath "$2")"; shift ;;
    --key-dir) key_dir=$2; shift ;;
    --baseline) baseline=$(realpath "$2"); shift ;;
    --extra) extra=$(echo "$2" | tr ',' ' '); shift ;;
    *) echo "usage: $0 --out DIR [--deb FILE]... [--also FILE]... [--key-dir DIR] [--baseline STATUS] [--extra PKG,...]" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$out" ] || { echo "$0: --out DIR is required" >&2; exit 2; }
if [ -z "$debs" ]; then
  debs=$(ls -1 "$root"/_build-deb/baoming_*.deb 2>/dev/null | sort -V | tail -n 1)
  [ -n "$debs" ] || { echo "$0: no package: run packaging/build-deb.sh first, or give --deb" >&2; exit 2; }
fi
for tool in apt-ftparchive gpg; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is missing (apt-get install apt-utils gnupg)" >&2; exit 2; }
done
[ -n "$key_dir" ] || key_dir=$out.key
mkdir -p "$out" "$key_dir"
chmod 700 "$key_dir"
out=$(realpath "$out"); key_dir=$(realpath "$key_dir")
work=$(mktemp -d "${TMPDIR:-/tmp}/baoming-repo.XXXXXX")
trap 'rm -rf "$work"' EXIT

# 1. The closure. apt resolves "install these .deb files and their
# Recommends" against the baseline's status (or an empty one, when every
# package counts as missing), and simulates; each "Inst" line is a package
# the target may lack. No lock, no cache written: it only reads the lists.
if [ -n "$baseline" ]; then cp "$baseline" "$work/status"; else : > "$work/status"; fi
# shellcheck disable=SC2086
apt-get install -s -q \
  -o Dir::State::status="$work/status" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
  -o Debug::NoLocking=1 -o APT::Install-Recommends=true -o APT::Get::Show-Versions=false \
  $debs $extra > "$work/simulate" 2>&1 || { cat "$work/simulate" >&2; exit 1; }
# "Inst libfoo (1.2-3 Debian:12.x/stable [amd64])": name and version; the
# baoming packages themselves are copied, not downloaded.
sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1=\2/p' "$work/simulate" | grep -v '^baoming=' > "$work/closure" || true
echo "dependencies to carry: $(wc -l < "$work/closure") packages"

# 2. The files: downloaded once into the pool (a re-run only fetches what
# changed), the baoming packages copied in.
mkdir -p "$out/pool"
(cd "$out/pool" && xargs -a "$work/closure" apt-get download -q)
for deb in $debs $also; do cp "$deb" "$out/pool/"; done
# Packages of an earlier run that this closure no longer needs go.
(cd "$out/pool" && for f in *.deb; do
   name=${f%%_*}
   case $name in baoming) continue ;; esac
   grep -q "^$name=" "$work/closure" || rm -f "$f"
 done)

# 3. The key: made once, reused afterwards.
export GNUPGHOME="$key_dir"
if ! gpg --batch --list-secret-keys 2>/dev/null | grep -q '^sec'; then
  gpg --batch --passphrase '' --quick-gen-key "Baoming offline repository <repo@baoming.example.org>" ed25519 sign never
  echo "made a new signing key in $key_dir: keep it to sign later repositories"
fi
fpr=$(gpg --batch --with-colons --list-secret-keys | awk -F: '/^fpr/ { print $10; exit }')
gpg --batch --yes --export "$fpr" > "$out/baoming-archive-keyring.gpg"
gpg --batch --yes --armor --export "$fpr" > "$out/baoming-archive-keyring.asc"

# 4. A flat repository ("deb file:/media/... ./"): Packages, Release,
# and Release signed both ways apt reads.
(cd "$out" &&
  apt-ftparchive packages pool > Packages &&
  gzip -9nc Packages > Packages.gz &&
  apt-ftparchive \
    -o APT::FTPArchive::Release::Origin=Baoming \
    -o APT::FTPArchive::Release::Label="Baoming offline repository" \
    -o APT::FTPArchive::Release::Suite=bookworm \
    -o APT::FTPArchive::Release::Codename=bookworm \
    -o APT::FTPArchive::Release::Architectures="amd64 all" \
    -o APT::FTPArchive::Release::Description="Baoming and its dependencies for Debian 12, offline" \
    release . > "$work/Release" &&
  mv "$work/Release" Release &&
  rm -f InRelease Release.gpg &&
  gpg --batch --yes --default-key "$fpr" --clearsign -o InRelease Release &&
  gpg --batch --yes --default-key "$fpr" --detach-sign --armor -o Release.gpg Release)

# 5. What county IT needs beside the files.
cat > "$out/baoming.sources" <<SRC
Types: deb
URIs: file:/srv/baoming-repo
Suites: ./
Signed-By: /etc/apt/keyrings/baoming-archive-keyring.gpg
SRC
cp "$root/docs/install.md" "$out/README-install.md" 2>/dev/null || true
echo "key fingerprint: $fpr"
echo "repository: $out ($(ls "$out/pool" | wc -l) packages, $(du -sh "$out" | cut -f1))"
