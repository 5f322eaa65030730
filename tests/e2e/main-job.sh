#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's main job: install what is needed (Debian 12, as root), build,
# and run one real kdump cycle driven by OUR kdumpctl in an x86_64 QEMU
# guest running Debian's kernel with crashkernel=256M. The guest root holds
# `make install DESTDIR=...` of this build, the shipped /etc/kdump.conf
# (plus `ext4 UUID=...`, a virtio disk) and /etc/sysconfig/kdump, and
# Debian's kernel and modules; its /init (tests/e2e/kdumpctl-init.sh) runs
# `kdumpctl start` (which builds the capture initramfs and runs our kexec
# -p), `kdumpctl status` and sysrq-c. In the capture kernel kdumpctl's own
# /init saves /var/crash/127.0.0.1-<date>/{vmcore,vmcore-dmesg.txt,
# kexec-dmesg.log} with our makedumpfile and vmcore-dmesg, then reboots.
# The host reads the files back and reports: timings of each phase, the
# files saved, what crash and libkdumpfile say of the dump, crash's `bt`
# (with the debug vmlinux, fetched once: about 1 GB of download), and the
# last lines of the dead kernel's log.
#
#   tests/e2e/main-job.sh [--mem MIB] [--cpus N] [--kexec-args ARGS] [--no-bt]
#
# --kexec-args sets KEXEC_ARGS in /etc/sysconfig/kdump: "" (default: our
# kexec tries kexec_file_load first), "-c" (kexec_load with our purgatory)
# or "-s". --no-bt skips the debug vmlinux and crash's bt.
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=$SRC/_build/main
mem=1024 cpus=1 kexec_args= bt=yes
while [ $# -gt 0 ]; do
	case $1 in
	--mem) mem=$2; shift ;;
	--cpus) cpus=$2; shift ;;
	--kexec-args) kexec_args=$2; shift ;;
	--no-bt) bt=no ;;
	*) echo "usage: $0 [--mem MIB] [--cpus N] [--kexec-args ARGS] [--no-bt]" >&2; exit 2 ;;
	esac
	shift
done
variant=$(printf '%s' "$kexec_args" | tr -d ' -')
variant=${variant:-none}

bash "$SRC/tests/run-all.sh" --install-only
echo "=== build ==="
t_all=$(($(date +%s%N) / 1000000))
(cd "$SRC" && autoreconf -fi >/dev/null 2>&1)
mkdir -p "$B"
(cd "$B" && { [ -f Makefile ] || "$SRC/configure" >configure.out 2>&1; } && make -j"$(nproc)" >build.out 2>&1) ||
	{ tail -30 "$B/build.out" 2>/dev/null; echo "main-job: build failed"; exit 1; }

export KX_BUILDDIR=$B KX_SRCDIR=$SRC KX_E2E_CACHE=${KX_E2E_CACHE:-$SRC/_build/e2e-cache}
E2E=$SRC/tests/e2e
PY=/usr/bin/python3
. "$SRC/tests/lib/tap.sh"
. "$E2E/lib.sh"
. "$E2E/kdumpctl-checks.sh"
timings=
phase() {
	timings="$timings$(printf '  %-34s %6ss' "$1" "$2")
"
}
phase build "$(e2e_secs "$t_all")"
work=$B/main-job
rm -rf "$work"
mkdir -p "$work"
uuid=6b1d7a52-0c8e-4f3a-9d2e-5a7c3e1f4b60

echo "=== fetch Debian's kernel, modules and tools ==="
t=$(e2e_now)
e2e_fetch_kernel && e2e_fetch_modtree && e2e_fetch_debian_tools ||
	{ echo "main-job: cannot fetch Debian's kernel"; exit 1; }
dbg=
if [ $bt = yes ]; then
	e2e_fetch_dbg_vmlinux && dbg=$E2E_DBG_VMLINUX ||
		echo "main-job: no debug vmlinux: crash bt skipped"
fi
phase "fetch (cached after the first run)" "$(e2e_secs "$t")"

echo "=== guest: make install DESTDIR, kdump.conf, Debian's $E2E_KVER ==="
t=$(e2e_now)
e2e_install_tree "$work/destdir" &&
	e2e_build_kdumpctl_guest "$work/guest" "$work/destdir" "$uuid" &&
	e2e_make_dump_disk "$work/disk.img" $((mem / 2 + 256)) "$uuid" ||
	{ echo "main-job: cannot build the guest"; exit 1; }
phase "make install + guest initramfs" "$(e2e_secs "$t")"

echo "=== kdump cycle in QEMU (KEXEC_ARGS=\"$kexec_args\", -m $mem -smp $cpus) ==="
log=$work/serial.log
t=$(e2e_now)
st=0
e2e_qemu_run "$log" $((300 + mem / 10)) "$mem" "$cpus" "$E2E_KDIR/vmlinuz" "$work/guest/initrd.img" \
	"console=ttyS0 panic=1 crashkernel=256M kx_kexec_args=$variant kx_broken=0" "$work/disk.img" || st=$?
phase "qemu: boot, kdumpctl start, crash, capture" "$(e2e_secs "$t")"

echo "=== checks ==="
# The checks report failures as TAP lines; they must not end the job.
set +e
t=$(e2e_now)
out=$work/out
kx_check_cycle "$variant" "$log" "$st" "$work/disk.img" "$out"
phase "read back and check" "$(e2e_secs "$t")"
phase total "$(e2e_secs "$t_all")"

echo "=== report ==="
echo "phases (host wall time, TCG):"
printf '%s' "$timings"
echo "in the guest (kernel uptime):"
sed 's/^/  /' "$out/timings.txt"
echo "files saved by the capture kernel in $(cat "$out/dumpdir" 2>/dev/null):"
# debugfs ls -l: inode, mode (100600 = regular, 0600), links, uid, gid, size, date, time, name
awk '$2 ~ /^10/ && NF >= 8 { printf "  %-20s %10d bytes, mode %s\n", $NF, $6, substr($2, 4) }' \
	"$out/ls.txt" 2>/dev/null
command -v crash >/dev/null 2>&1 && echo "crash --osrelease: $(crash --osrelease "$out/vmcore" 2>&1)"
[ -f "$out/kdumpfile.txt" ] && sed 's/^/libkdumpfile: /' "$out/kdumpfile.txt"
if [ -f "$out/crash-bt.txt" ]; then
	echo "crash bt:"
	sed -n '/^PID:/,/^ *#.*entry_SYSCALL/p' "$out/crash-bt.txt" | head -n 20 | sed 's/^/  /'
fi
echo "last lines of vmcore-dmesg.txt (before the panic's backtrace):"
grep -B 3 -A 2 'sysrq: Trigger a crash' "$out/vmcore-dmesg.txt" 2>/dev/null | tail -n 6 | sed 's/^/  /'
echo "serial log: $log"
if [ "$tap_failed" = 0 ]; then
	echo "main-job: OK: kdumpctl armed the capture kernel and saved the dump; $tap_n checks ran"
else
	e2e_print_log "$log" 120
	echo "main-job: FAILED: $tap_failed of $tap_n checks failed"
	exit 1
fi
