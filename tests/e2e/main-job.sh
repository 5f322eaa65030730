#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's main job: install what is needed (Debian 12, as root), build,
# and run one real kdump cycle in an x86_64 QEMU guest running Debian's
# kernel: our kexec arms the capture kernel with kexec_load and our
# purgatory, sysrq-c crashes the guest, and in the capture kernel our
# makedumpfile (-l -d 31) and vmcore-dmesg save the dump to a virtio disk.
# The host then reads the files back and reports: timings of each phase,
# the files saved, what crash and libkdumpfile say of the dump, and the last
# lines of the dead kernel's log.
#
#   tests/e2e/main-job.sh [--mem MIB] [--cpus N] [--debian-kexec]
#
# (kdumpctl and its capture initramfs are not used yet: the guest's /init
# does their job. See README.md, "Status".)
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=$SRC/_build/main
mem=1024 cpus=1 kexec=ours
while [ $# -gt 0 ]; do
	case $1 in
	--mem) mem=$2; shift ;;
	--cpus) cpus=$2; shift ;;
	--debian-kexec) kexec=debian ;;
	*) echo "usage: $0 [--mem MIB] [--cpus N] [--debian-kexec]" >&2; exit 2 ;;
	esac
	shift
done

bash "$SRC/tests/run-all.sh" --install-only
echo "=== build ==="
(cd "$SRC" && autoreconf -fi >/dev/null 2>&1)
mkdir -p "$B"
(cd "$B" && { [ -f Makefile ] || "$SRC/configure" >configure.out 2>&1; } && make -j"$(nproc)" >build.out 2>&1) ||
	{ tail -30 "$B/build.out" 2>/dev/null; echo "main-job: build failed"; exit 1; }

export KX_BUILDDIR=$B KX_SRCDIR=$SRC KX_E2E_CACHE=${KX_E2E_CACHE:-$SRC/_build/e2e-cache}
args=(--mem "$mem" --cpus "$cpus" --makedumpfile "$B/makedumpfile/makedumpfile"
	--vmcore-dmesg "$B/vmcore-dmesg/vmcore-dmesg" --force --name "main-job-${mem}M-${cpus}cpu")
[ $kexec = ours ] && args+=(--kexec "$B/kexec/kexec" --kexec-args -c)
echo "=== kdump cycle in QEMU (kexec: $kexec) ==="
dir=$(bash "$SRC/tests/e2e/capture-vmcore.sh" "${args[@]}" | tail -1)
[ -d "$dir" ] || { echo "main-job: the capture failed"; exit 1; }

echo "=== report ==="
cat "$dir/timings.txt" 2>/dev/null || true
echo "files saved by the capture kernel:"
ls -l "$dir" | sed 's/^/  /'
dump=$dir/guest-makedumpfile.kdump
if command -v crash >/dev/null 2>&1; then
	echo "crash --osrelease: $(crash --osrelease "$dump" 2>&1)"
fi
if /usr/bin/python3 -c 'import kdumpfile' 2>/dev/null; then
	echo "libkdumpfile against the ELF vmcore: $(/usr/bin/python3 "$SRC/tests/tools/compare_dump.py" "$dir/vmcore.elf" "$dump" | tail -1)"
fi
echo "last lines of vmcore-dmesg.txt:"
tail -5 "$dir/guest-vmcore-dmesg.txt" | sed 's/^/  /'
grep -q 'sysrq: Trigger a crash' "$dir/guest-vmcore-dmesg.txt" &&
	echo "main-job: OK: the dead kernel's log ends with its sysrq crash"
