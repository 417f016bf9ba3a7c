#!/bin/sh
# Run a command inside a throw-away qemu VM (Debian bookworm kernel) that has
# the vivid virtual V4L2 driver loaded, with the host root filesystem visible
# read-only over 9p and WORKDIR shared read-write at the same path
# (testing-v4l2.md A; proven on the CI machines: ~20 s warm, TCG).
#
#   usage: run-in-vivid-vm.sh WORKDIR 'guest command'   (runs with cwd=WORKDIR)
#   env:   VM_ACCEL=auto|tcg|kvm (auto = kvm only if /proc/cpuinfo shows vmx/svm)
#          VM_TIMEOUT=seconds (default 300)
#          VM_CACHE=dir for the unpacked kernel + initramfs (default WORKDIR/.vm-cache);
#                   must be inside WORKDIR or outside /tmp (the guest's /tmp is a tmpfs)
#          VIVID_OPTS="node_types=0x1 ..." vivid module options
# WORKDIR must not contain spaces (it travels on the kernel command line).
# Exit status: that of the guest command; 97 = no status came back (timeout,
# panic); 96 = a host tool is missing (packaging/deb-packages.txt installs them).
set -eu
WORKDIR=$(realpath "$1"); CMD=$2
ACCEL=${VM_ACCEL:-auto}; TMO=${VM_TIMEOUT:-300}; CACHE=$(realpath -m "${VM_CACHE:-$WORKDIR/.vm-cache}")
export DEBIAN_FRONTEND=noninteractive
case $CACHE/ in "$WORKDIR"/*) ;; /tmp/*) echo "VM_CACHE must not be under /tmp (guest /tmp is a tmpfs)" >&2; exit 2;; esac
case $WORKDIR in *" "*) echo "WORKDIR must not contain spaces" >&2; exit 2;; esac

for tool in qemu-system-x86_64 busybox modprobe depmod cpio v4l2-ctl dpkg-deb apt-get; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing host tool: $tool (install packaging/deb-packages.txt)" >&2; exit 96; }
done
[ -x /bin/busybox ] || { echo "/bin/busybox missing (busybox-static)" >&2; exit 96; }

mkdir -p "$CACHE"
if [ ! -e "$CACHE/ready" ]; then
  # Unpack (not install) the current Debian kernel: no initramfs/grub hooks
  # run on the host. Resolved at run time: the ABI package name changes with
  # every security update.
  KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
  if [ -z "$KPKG" ]; then
    apt-get update -qq
    KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/{print $2; exit}')
  fi
  [ -n "$KPKG" ] || { echo "cannot resolve linux-image-amd64" >&2; exit 96; }
  (cd "$CACHE" && rm -f ./*.deb && apt-get download -qq "$KPKG" 2>/dev/null) || {
    apt-get update -qq; (cd "$CACHE" && apt-get download -qq "$KPKG" 2>/dev/null); }
  ls "$CACHE"/"$KPKG"_*.deb >/dev/null 2>&1 || { echo "could not download $KPKG (apt-get download; is the Debian mirror reachable?)" >&2; exit 96; }
  rm -rf "$CACHE/kroot"; dpkg-deb -x "$CACHE"/"$KPKG"_*.deb "$CACHE/kroot"; rm -f "$CACHE"/*.deb
  KV=$(ls "$CACHE/kroot/lib/modules"); depmod -b "$CACHE/kroot" "$KV"
  [ -e "$CACHE/kroot/boot/vmlinuz-$KV" ] || { echo "$KPKG has no /boot/vmlinuz-$KV: the kernel package's layout changed" >&2; exit 96; }
  find "$CACHE/kroot/lib/modules/$KV" -name 'vivid.ko*' | grep -q . || { echo "$KPKG ships no vivid module (CONFIG_VIDEO_VIVID)" >&2; exit 96; }

  # initramfs: busybox + the virtio-pci and 9p modules + /init
  T=$(mktemp -d); mkdir -p "$T/bin" "$T/proc" "$T/sys" "$T/dev" "$T/host" "$T/mods"
  cp /bin/busybox "$T/bin/busybox"
  for m in virtio_pci 9pnet_virtio 9p; do
    modprobe -d "$CACHE/kroot" -S "$KV" --show-depends "$m" | awk '/^insmod/{print $2}'
  done | awk '!seen[$0]++' | while read -r ko; do cp "$ko" "$T/mods/"; basename "$ko" >> "$T/mods/order"; done
  cat > "$T/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in $(cat /mods/order); do insmod /mods/$m; done
vm_work=$(sed -n 's/.*vm_work=\([^ ]*\).*/\1/p' /proc/cmdline)
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=524288 hostroot /host || { echo "VM: 9p root mount failed"; poweroff -f; }
mount -t proc proc /host/proc; mount -t sysfs sys /host/sys; mount -t devtmpfs dev /host/dev
mkdir -p /host/dev/shm /host/dev/pts; mount -t tmpfs shm /host/dev/shm; mount -t devpts pts /host/dev/pts
mount -t tmpfs tmp /host/tmp; mount -t tmpfs run /host/run
mkdir -p /host$vm_work
mount -t 9p -o trans=virtio,version=9p2000.L,msize=524288 work /host$vm_work || { echo "VM: work mount failed"; poweroff -f; }
chroot /host /bin/sh -c "cd $vm_work && . ./.vm-cmd"
echo $? > /host$vm_work/.vm-rc
sync; poweroff -f
INIT
  chmod +x "$T/init"
  (cd "$T" && find . | cpio -o -H newc --quiet | gzip -1) > "$CACHE/initrd.gz"; rm -rf "$T"
  touch "$CACHE/ready"
fi
KV=$(ls "$CACHE/kroot/lib/modules")

cat > "$WORKDIR/.vm-cmd" <<GUEST
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp
modprobe -d "$CACHE/kroot" vivid ${VIVID_OPTS:-} || exit 98
$CMD
GUEST
rm -f "$WORKDIR/.vm-rc"

if [ "$ACCEL" = auto ]; then
  # /dev/kvm can exist without usable nested virtualisation (the guest then
  # crawls): trust the CPU flags, not the device node
  if [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then ACCEL=kvm; else ACCEL=tcg; fi
fi
case $ACCEL in kvm) A="-accel kvm -cpu host";; *) A="-accel tcg -cpu max";; esac
timeout -k 10 "$TMO" qemu-system-x86_64 $A -m 1024 -smp 2 -display none -vga none -serial stdio -monitor none -no-reboot -nic none \
  -kernel "$CACHE/kroot/boot/vmlinuz-$KV" -initrd "$CACHE/initrd.gz" \
  -append "console=ttyS0 panic=-1 quiet vm_work=$WORKDIR" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
  -virtfs "local,path=$WORKDIR,mount_tag=work,security_model=none,multidevs=remap" </dev/null || true
rc=$(cat "$WORKDIR/.vm-rc" 2>/dev/null || echo 97)
rm -f "$WORKDIR/.vm-rc" "$WORKDIR/.vm-cmd"
exit "$rc"
