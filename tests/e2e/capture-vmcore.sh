#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# capture-vmcore.sh [OPTIONS]: captures a real /proc/vmcore of Debian 12's
# kernel in an x86_64 QEMU guest (TCG) with Debian's kexec-tools and
# makedumpfile, and stores it in
#   $KX_E2E_CACHE/vmcore-<MEM>M-<CPUS>cpu/   (default cache: $KX_BUILDDIR/e2e-cache)
#     vmcore.elf                  the ELF /proc/vmcore, copied in the guest
#     guest-makedumpfile.kdump    Debian's makedumpfile -l -d 31 /proc/vmcore, in the guest
#     guest-vmcore-dmesg.txt      Debian's vmcore-dmesg /proc/vmcore, in the guest
#     kernel-version, serial.log, timings.txt, first-*.txt (guest facts)
# An existing complete capture is reused (--force makes a new one). The
# last line of stdout is the directory.
#
# Options:
#   --mem MIB          guest memory (default 1024; 4096 for benchmarks)
#   --cpus N           vCPUs (default 1)
#   --crashkernel SIZE crashkernel= of the first kernel (default 256M)
#   --hog MIB          anonymous memory held at the crash (default MEM/10)
#   --pagecache MIB    file written and read on the ext4 disk (default MEM/16)
#   --tmpfs MIB        tmpfs data (default MEM/32)
#   --kexec PATH       kexec to arm the capture kernel with (default Debian's)
#   --kexec-args ARGS  options before -p ("-c": kexec_load, "-s": kexec_file_load)
#   --makedumpfile PATH  makedumpfile run in the capture kernel (default Debian's)
#   --vmcore-dmesg PATH  vmcore-dmesg run in the capture kernel (default Debian's)
#   --name NAME        cache directory name (default vmcore-<MEM>M-<CPUS>cpu;
#                      give one whenever a non-default tool is used)
#   --timeout SECONDS  for QEMU (default 180 + MEM*0.15)
#   --force            capture again even when cached
#   --keep             keep the guest's disk image and initramfs tree
set -u
. "$(dirname "$0")/lib.sh"

mem=1024 cpus=1 crashkernel=256M force=no keep=no name= timeout_s=
hog= pagecache= tmpfs=
kexec_bin= mdf_bin= vmd_bin= kexec_args=
while [ $# -gt 0 ]; do
	case $1 in
	--mem) mem=$2; shift ;;
	--cpus) cpus=$2; shift ;;
	--crashkernel) crashkernel=$2; shift ;;
	--hog) hog=$2; shift ;;
	--pagecache) pagecache=$2; shift ;;
	--tmpfs) tmpfs=$2; shift ;;
	--kexec) kexec_bin=$2; shift ;;
	--kexec-args) kexec_args=$2; shift ;;
	--makedumpfile) mdf_bin=$2; shift ;;
	--vmcore-dmesg) vmd_bin=$2; shift ;;
	--name) name=$2; shift ;;
	--timeout) timeout_s=$2; shift ;;
	--force) force=yes ;;
	--keep) keep=yes ;;
	-h|--help) sed -n '3,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) e2e_log "unknown option $1"; exit 2 ;;
	esac
	shift
done
: "${hog:=$((mem / 10))}" "${pagecache:=$((mem / 16))}" "${tmpfs:=$((mem / 32))}"
: "${name:=vmcore-${mem}M-${cpus}cpu}" "${timeout_s:=$((180 + mem * 15 / 100))}"
out=$E2E_CACHE/$name

missing=$(e2e_missing_tools)
if [ -n "$missing" ]; then
	e2e_log "missing host tools: $missing"
	exit 77
fi

mkdir -p "$E2E_CACHE"
# One capture at a time per directory (parallel test tiers share the cache).
exec 9>"$E2E_CACHE/.lock-$name"
flock 9

if [ "$force" = no ] && [ -f "$out/.complete" ]; then
	echo "e2e: reusing the cached vmcore in $out ($(cat "$out/kernel-version"), captured $(cat "$out/.complete"))"
	echo "$out"
	exit 0
fi

t_all=$(e2e_now)
timings=
phase() {
	timings="$timings$(printf '%-28s %6ss' "$1" "$2")
"
	echo "e2e: $1: $2 s" >&2
}

t=$(e2e_now)
e2e_fetch_kernel || exit 1
phase "fetch kernel" "$(e2e_secs "$t")"
t=$(e2e_now)
e2e_fetch_debian_tools || exit 1
e2e_build_hog || exit 1
phase "fetch tools, build hog" "$(e2e_secs "$t")"

work=$E2E_CACHE/work-$name
rm -rf "$work" "$out.tmp"
mkdir -p "$work" "$out.tmp"

t=$(e2e_now)
E2E_INIT=$E2E_DIR/capture-init.sh
E2E_KEXEC=${kexec_bin:-$E2E_DEBIAN_KEXEC}
E2E_MAKEDUMPFILE=${mdf_bin:-$E2E_DEBIAN_MAKEDUMPFILE}
E2E_VMCORE_DMESG=${vmd_bin:-$E2E_DEBIAN_VMCORE_DMESG}
capture_append="console=ttyS0 panic=1 irqpoll nr_cpus=1 reset_devices"
E2E_CONF="KX_HOG_MIB=$hog
KX_PAGECACHE_MIB=$pagecache
KX_TMPFS_MIB=$tmpfs
KX_SAVE_ELF=1
KX_GUEST_MDF_ARGS='-l -d 31'
KX_CAPTURE_APPEND='$capture_append'
KX_KEXEC_ARGS='$kexec_args '"
e2e_build_kdump_guest "$work" || exit 1
phase "build initramfs" "$(e2e_secs "$t")"
e2e_log "initramfs: capture $(du -k "$work/capture.img" | cut -f1) KiB, first kernel $(du -k "$work/initrd.img" | cut -f1) KiB"

t=$(e2e_now)
# Room for the ELF copy (about MEM), the page-cache file and the dumps.
e2e_make_disk "$work/disk.img" $((mem + pagecache + mem / 2 + 256)) || exit 1
phase "make ext4 disk" "$(e2e_secs "$t")"

append="console=ttyS0 panic=1 crashkernel=$crashkernel"
log=$work/serial.log
e2e_log "booting: -m $mem -smp $cpus, append \"$append\", timeout ${timeout_s}s, serial log $log"
t=$(e2e_now)
e2e_qemu_run "$log" "$timeout_s" "$mem" "$cpus" "$E2E_KDIR/vmlinuz" "$work/initrd.img" \
	"$append" "$work/disk.img"
qemu_status=$?
phase "qemu (boot, crash, capture)" "$(e2e_secs "$t")"
cp "$log" "$out.tmp/serial.log"

fail() {
	e2e_log "$*"
	e2e_print_log "$log" 80 >&2
	e2e_log "work directory kept: $work"
	exit 1
}
[ "$qemu_status" = 124 ] && fail "QEMU timed out after ${timeout_s}s"
[ "$qemu_status" = 0 ] || fail "QEMU exited with status $qemu_status"
grep -q '^KX-E2E: FAIL' "$log" && fail "the guest failed: $(grep '^KX-E2E: FAIL' "$log")"
[ -n "$(e2e_marker "$log" capture-done)" ] || fail "the capture kernel did not finish"

t=$(e2e_now)
for f in vmcore.elf guest-makedumpfile.kdump guest-makedumpfile.log guest-vmcore-dmesg.txt \
		first-uname.txt first-cmdline.txt first-iomem.txt first-meminfo.txt capture-cmdline.txt; do
	e2e_disk_get "$work/disk.img" "/$f" "$out.tmp/$f" || fail "/$f missing from the guest's disk"
done
phase "extract (debugfs)" "$(e2e_secs "$t")"

# Guest phases from the markers (uptime of each kernel).
m() { e2e_marker "$log" "$1"; }
d() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "") print "?"; else printf "%.1f", b - a }'; }
guest="first kernel: /init at $(m boot-init) s, kexec -p armed at $(m armed) s (kexec -p took $(d "$(m kexec-load-start)" "$(m kexec-load-end)") s)
capture kernel: /init at $(m capture-init) s, makedumpfile -l -d 31 $(d "$(m guest-makedumpfile-start)" "$(m guest-makedumpfile-end)") s, vmcore-dmesg $(d "$(m guest-vmcore-dmesg-start)" "$(m guest-vmcore-dmesg-end)") s, ELF copy $(d "$(m copy-elf-start)" "$(m copy-elf-end)") s, done at $(m capture-done) s"

echo "$E2E_KVER" >"$out.tmp/kernel-version"
cat >"$out.tmp/params" <<EOF
mem=$mem cpus=$cpus crashkernel=$crashkernel hog=$hog pagecache=$pagecache tmpfs=$tmpfs
kexec=$E2E_KEXEC
makedumpfile=$E2E_MAKEDUMPFILE
vmcore-dmesg=$E2E_VMCORE_DMESG
EOF
phase "total" "$(e2e_secs "$t_all")"
printf '%s%s\n' "$timings" "$guest" >"$out.tmp/timings.txt"
date -u '+%Y-%m-%d %H:%M:%S UTC' >"$out.tmp/.complete"
rm -rf "$out"
mv "$out.tmp" "$out"
[ "$keep" = yes ] || rm -rf "$work"
echo "e2e: captured $(du -m "$out/vmcore.elf" | cut -f1) MiB vmcore of $E2E_KVER in $out"
echo "$guest" | sed 's/^/e2e: /'
echo "$out"
