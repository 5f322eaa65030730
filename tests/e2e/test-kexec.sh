#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# OUR kexec on a real kernel: an x86_64 QEMU guest (TCG) boots Debian 12's
# kernel with crashkernel=256M and runs, as its /init (tests/e2e/kexec-init.sh),
# kexec -S, kexec -c -p (kexec_load with our purgatory), kexec -p -u,
# kexec -d -c -p, kexec -s -p (kexec_file_load), -s -p -u and kexec -d -s -p,
# each checked against /sys/kernel/kexec_crash_loaded; then it arms the
# capture kernel with -c (first boot) or -s (second boot) and crashes through
# sysrq. The capture kernel must come up with /proc/vmcore, whose core header
# describes System RAM (outside the crash region) and the kernel text as
# upstream kexec-tools does, where our vmcore-dmesg finds the sysrq crash and
# our makedumpfile -l -d 31 writes the dump Debian's makedumpfile writes.
# Both boots run in parallel (about 70-95 s under TCG).
# Nothing here runs kexec on the host.
#   KX_E2E_KEXEC_METHODS   which crash cycles to run (default "c s")
#   KX_E2E_KEXEC_TIMEOUT   seconds per guest (default 150)
# Serial logs stay in $KX_BUILDDIR/e2e-kexec/ (serial-c.log, serial-s.log).
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
tap_e2e_setup
methods=${KX_E2E_KEXEC_METHODS:-"c s"}
# A guest needs ~40 s under TCG on an idle 2-core machine; a loaded one
# (parallel builds) can take several times that.
timeout_s=${KX_E2E_KEXEC_TIMEOUT:-300}
mem=1024
crashkernel=256M
. "$E2E/lib.sh"

tap_skip_guests "kexec in a QEMU guest"
e2e_tap_need_host "kexec in a QEMU guest"
for p in "$KEXEC" "$MDF" "$VMD"; do
	[ -x "$p" ] || e2e_tap_fail_all "$p is built"
done

work=$B/e2e-kexec
rm -rf "$work"
mkdir -p "$work" || exit 1

# The guest: one initramfs for both boots (kx_method= on the command line
# picks the crash cycle's syscall).
t=$(e2e_now)
e2e_fetch_kernel >"$work/build.log" 2>&1 ||
	e2e_tap_fail_all "fetch Debian's kernel" "$(cat "$work/build.log")"
E2E_INIT=$E2E/kexec-init.sh
E2E_KEXEC=$KEXEC
E2E_MAKEDUMPFILE=$MDF
E2E_VMCORE_DMESG=$VMD
# Debian's makedumpfile as the oracle in the capture kernel, when it can be had.
E2E_EXTRA=
if e2e_fetch_debian_tools >>"$work/build.log" 2>&1; then
	E2E_EXTRA="$E2E_DEBIAN_MAKEDUMPFILE:/bin/makedumpfile-debian"
fi
E2E_CONF="KX_CAPTURE_APPEND='console=ttyS0 panic=1 irqpoll nr_cpus=1 reset_devices'"
e2e_build_kdump_guest "$work/guest" >>"$work/build.log" 2>&1 ||
	e2e_tap_fail_all "build the guest initramfs with our kexec, makedumpfile, vmcore-dmesg" \
		"$(cat "$work/build.log")"
tap_ok "build the guest: Debian's $E2E_KVER, our kexec, makedumpfile, vmcore-dmesg ($(e2e_secs "$t") s)"

# Both guests at once (one vCPU each, about 90 s together under TCG).
t=$(e2e_now)
for m in $methods; do
	e2e_make_disk "$work/disk-$m.img" 256 || exit 1
	(
		e2e_qemu_run "$work/serial-$m.log" "$timeout_s" "$mem" 1 "$E2E_KDIR/vmlinuz" \
			"$work/guest/initrd.img" \
			"console=ttyS0 panic=1 crashkernel=$crashkernel kx_method=$m" \
			"$work/disk-$m.img"
		echo $? >"$work/qemu-$m.status"
	) &
done
wait
echo "# guests ran in $(e2e_secs "$t") s"

# core_loads IOMEM VMCORE_HEAD TEXT END: four lines, "want-text", "got-text",
# "want-ram", "got-ram". want-*: the first kernel's System RAM outside the
# crash region, and its text at "Kernel code" of size _end - _text (page
# aligned), as upstream kexec-tools' ELF core header has them; got-*: the
# PT_LOADs of the capture kernel's /proc/vmcore (its first 64 KiB).
core_loads() {
	"$PY" - "$@" <<'EOF'
import re, struct, sys
iomem, head, text, end = open(sys.argv[1]).read(), open(sys.argv[2], 'rb').read(), \
    int(sys.argv[3], 16), int(sys.argv[4], 16)
ram, crash, code = [], [], None
for line in iomem.splitlines():
    m = re.match(r'^( *)([0-9a-f]+)-([0-9a-f]+) : (.*)$', line)
    if not m:
        continue
    a, b, name = int(m.group(2), 16), int(m.group(3), 16) + 1, m.group(4)
    if name == 'System RAM' and not m.group(1):
        ram.append([a, b])
    elif name == 'Crash kernel':
        crash.append((a, b))
    elif name == 'Kernel code' and code is None:
        code = a
for c0, c1 in crash:
    out = []
    for a, b in ram:
        if a < c0:
            out.append([a, min(b, c0)])
        if b > c1:
            out.append([max(a, c1), b])
    ram = out
fmt = lambda rs: ' '.join('%#x-%#x' % (a, b) for a, b in rs)
print('want-text %#x %#x' % (code or 0, (end - text + 4095) & ~4095))
phoff, = struct.unpack_from('<Q', head, 0x20)
phnum, = struct.unpack_from('<H', head, 0x38)
got_text, got_ram = [], []
for i in range(phnum):
    p_type, _, _, vaddr, paddr, _, memsz = struct.unpack_from('<IIQQQQQ', head, phoff + 56 * i)
    if p_type != 1:
        continue
    if vaddr >= 0xffffffff80000000:
        got_text.append('%#x %#x' % (paddr, memsz))
    else:
        got_ram.append([paddr, paddr + memsz])
print('got-text ' + ' '.join(got_text))
print('want-ram ' + fmt(ram))
print('got-ram ' + fmt(sorted(got_ram)))
EOF
}

# res LOG NAME: the value of the guest's "KX-MARK NAME=VALUE" line.
res() {
	tr -d '\r' <"$1" | sed -n "s/.*KX-MARK $2=//p" | tail -n 1
}

failed_before=$tap_failed
for m in $methods; do
	log=$work/serial-$m.log
	failed_boot=$tap_failed
	st=$(cat "$work/qemu-$m.status" 2>/dev/null)
	case $st in
	0) tap_ok "[-$m] QEMU ran the guest to power-off" ;;
	124) tap_not_ok "[-$m] QEMU ran the guest to power-off" "timed out after ${timeout_s}s" ;;
	*) tap_not_ok "[-$m] QEMU ran the guest to power-off" "QEMU exited with status $st" ;;
	esac
	fails=$(tr -d '\r' <"$log" | grep -a 'KX-E2E: FAIL')
	[ -z "$fails" ] || tap_not_ok "[-$m] the guest reported no failure" "$fails"

	# check NAME WANT DESCRIPTION
	check() {
		tap_check "[-$m] $3" "$2" "$(res "$log" "$1")"
	}
	check first-kernel "$E2E_KVER" "the first kernel is Debian's $E2E_KVER"
	check crash-loaded-0 0 "kexec_crash_loaded is 0 at boot"
	check kexec-S-p-0 0 "kexec -S -p exits 0 (not loaded)"
	check kexec-S-0 0 "kexec -S exits 0 (not loaded)"

	check kexec-c-p 0 "kexec -c -p (kexec_load, our purgatory) exits 0"
	check crash-loaded-c 1 "kexec -c -p: kexec_crash_loaded is 1"
	check kexec-S-p-c 1 "kexec -c -p: kexec -S -p exits 1 (loaded)"
	check kexec-S-c 1 "kexec -c -p: kexec -S exits 1 (loaded)"
	check kexec-p-u-c 0 "kexec -p -u exits 0"
	check crash-loaded-c-u 0 "kexec -p -u: kexec_crash_loaded is 0"
	check kexec-S-p-c-u 0 "kexec -p -u: kexec -S -p exits 0"

	check kexec-d-c-p 0 "kexec -d -c -p exits 0"
	dseg=$(tr -d '\r' <"$log" | sed -n '/KX-RUN kexec-d-c-p/,/KX-MARK kexec-d-c-p=/p')
	if printf '%s\n' "$dseg" | grep -q '^  nr_segments = [1-9]' &&
		printf '%s\n' "$dseg" | grep -q '^  segment\[0\]\.mem   = 0x'; then
		tap_ok "[-$m] kexec -d -c -p prints the segment list"
	else
		tap_not_ok "[-$m] kexec -d -c -p prints the segment list" \
			"$(printf '%s\n' "$dseg" | head -n 40)"
	fi
	check crash-loaded-d 1 "kexec -d -c -p: kexec_crash_loaded is 1"
	check kexec-c-p-u-d 0 "kexec -c -p -u exits 0"
	check crash-loaded-d-u 0 "kexec -c -p -u: kexec_crash_loaded is 0"

	check kexec-s-p 0 "kexec -s -p (kexec_file_load) exits 0"
	check crash-loaded-s 1 "kexec -s -p: kexec_crash_loaded is 1"
	check kexec-S-p-s 1 "kexec -s -p: kexec -S -p exits 1 (loaded)"
	check kexec-s-p-u-s 0 "kexec -s -p -u exits 0"
	check crash-loaded-s-u 0 "kexec -s -p -u: kexec_crash_loaded is 0"
	check kexec-S-p-s-u 0 "kexec -s -p -u: kexec -S -p exits 0"

	check kexec-d-s-p 0 "kexec -d -s -p exits 0 (no KEXEC_FILE_DEBUG in 6.1)"
	check crash-loaded-d-s 1 "kexec -d -s -p: kexec_crash_loaded is 1"
	check crash-loaded-d-s-u 0 "kexec -s -p -u after -d -s -p: kexec_crash_loaded is 0"

	check kexec-final-load 0 "kexec -$m -p arms the capture kernel for the crash"
	check crash-loaded-final 1 "kexec -$m -p: kexec_crash_loaded is 1 before sysrq-c"

	check capture-kernel 1 "sysrq-c boots the capture kernel and /proc/vmcore exists there"
	ccmd=$(res "$log" capture-cmdline)
	tap_match "[-$m] the capture kernel got our command line" "kx_capture=$m( |\$)" "$ccmd"
	tap_match "[-$m] the capture kernel's command line has elfcorehdr=" "elfcorehdr=" "$ccmd"
	vm=$(tr -d '\r' <"$log" | sed -n 's/.*KX-VMCORE //p' | tail -n 1)
	tap_match "[-$m] ls -l /proc/vmcore in the capture kernel" " /proc/vmcore\$" "$vm"
	[ -n "$vm" ] && echo "# [-$m] $vm"
	# Only System RAM belongs in the dump (upstream and the kernel's own
	# kexec_file_load headers): reserved ranges and holes would make it
	# larger than the guest (QEMU reserves 12 GiB at 0xfd00000000).
	vsize=$(echo "$vm" | awk '{ print $5 }')
	case $vsize in
	''|*[!0-9]*) tap_not_ok "[-$m] /proc/vmcore is no larger than the guest's RAM" "no size in: $vm" ;;
	*)
		if [ "$vsize" -le $((mem * 1024 * 1024)) ]; then
			tap_ok "[-$m] /proc/vmcore is no larger than the guest's RAM ($((vsize >> 20)) MiB)"
		else
			tap_not_ok "[-$m] /proc/vmcore is no larger than the guest's RAM" \
				"$vsize bytes ($((vsize >> 20)) MiB) for a $mem MiB guest: the core header dumps non-RAM ranges"
		fi
		;;
	esac
	if ! command -v "$PY" >/dev/null 2>&1; then
		tap_skip "[-$m] the core header's PT_LOADs" "python3 is not installed"
	elif e2e_disk_get "$work/disk-$m.img" /vmcore-head "$work/vmcore-head-$m" 2>"$work/disk-$m.err"; then
		tr -d '\r' <"$log" | sed -n '/KX-IOMEM-BEGIN/,/KX-IOMEM-END/p' >"$work/iomem-$m.txt"
		loads=$(core_loads "$work/iomem-$m.txt" "$work/vmcore-head-$m" \
			"$(res "$log" sym_text)" "$(res "$log" sym_end)" 2>&1)
		l() { printf '%s\n' "$loads" | sed -n "s/^$1 //p"; }
		[ -n "$(l want-text)" ] ||
			tap_not_ok "[-$m] read the core header and the first kernel's iomem" "$loads"
		tap_check "[-$m] kernel-text PT_LOAD: Kernel code, _end - _text bytes (as upstream)" \
			"$(l want-text)" "$(l got-text)"
		if [ "$m" = c ]; then
			tap_check "[-$m] RAM PT_LOADs: System RAM outside the crash region (as upstream)" \
				"$(l want-ram)" "$(l got-ram)"
		else
			# The kernel's own header (kexec_file_load) also leaves out the low 1 MiB.
			echo "# [-$m] RAM PT_LOADs (the kernel's): $(l got-ram)"
		fi
	else
		tap_not_ok "[-$m] the core header is on the guest's disk" "$(cat "$work/disk-$m.err")"
	fi
	check vmcore-dmesg 0 "our vmcore-dmesg reads /proc/vmcore"
	check vmcore-dmesg-sysrq 1 "our vmcore-dmesg shows the sysrq crash"
	tr -d '\r' <"$log" | sed -n '/KX-DMESG-TAIL-BEGIN/,/KX-DMESG-TAIL-END/p' |
		sed '1d; $d; s/^/#   /'
	check makedumpfile 0 "our makedumpfile -l -d 31 /proc/vmcore to the disk exits 0"
	if e2e_disk_get "$work/disk-$m.img" /dump.kdump "$work/dump-$m.kdump" 2>"$work/disk-$m.err"; then
		sig=$(head -c 8 "$work/dump-$m.kdump")
		tap_check "[-$m] the dump is kdump-compressed ($(du -k "$work/dump-$m.kdump" | cut -f1) KiB)" \
			"KDUMP   " "$sig"
	else
		tap_not_ok "[-$m] the dump is on the guest's disk" "$(cat "$work/disk-$m.err")"
	fi
	if [ -z "$E2E_EXTRA" ]; then
		tap_skip "[-$m] our dump equals Debian's makedumpfile's" "Debian's makedumpfile is not available"
	elif [ -f "$work/dump-$m.kdump" ] &&
		e2e_disk_get "$work/disk-$m.img" /debian.kdump "$work/debian-$m.kdump" 2>"$work/disk-$m.err"; then
		if cmp -s "$work/dump-$m.kdump" "$work/debian-$m.kdump"; then
			tap_ok "[-$m] our dump is byte-identical to Debian's makedumpfile -l -d 31 on the same /proc/vmcore"
		else
			tap_not_ok "[-$m] our dump is byte-identical to Debian's makedumpfile -l -d 31 on the same /proc/vmcore" \
				"$(cmp "$work/dump-$m.kdump" "$work/debian-$m.kdump" 2>&1 | head -n 1)" \
				"$(ls -l "$work/dump-$m.kdump" "$work/debian-$m.kdump")" \
				"$("$PY" "$E2E/bitmap-diff.py" "$work/dump-$m.kdump" "$work/debian-$m.kdump" 2>&1 | head -n 60)"
		fi
	else
		tap_not_ok "[-$m] our dump and Debian's are on the guest's disk" "$(cat "$work/disk-$m.err" 2>/dev/null)"
	fi
	rm -f "$work/dump-$m.kdump" "$work/debian-$m.kdump" "$work/disk-$m.img" "$work/disk-$m.err" "$work/vmcore-head-$m"
	echo "# [-$m] first kernel /init at $(e2e_marker "$log" boot-init) s, armed at $(e2e_marker "$log" armed) s; capture /init at $(e2e_marker "$log" capture-init) s, done at $(e2e_marker "$log" capture-done) s"
	if [ "$tap_failed" != "$failed_boot" ]; then
		echo "# [-$m] serial log: $log"
		e2e_print_log "$log" 150
	fi
done
if [ "$tap_failed" = "$failed_before" ]; then
	rm -rf "$work/guest"
else
	echo "# guest kept in $work/guest"
fi
tap_done
