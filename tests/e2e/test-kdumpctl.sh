#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The whole kdump story driven by OUR kdumpctl in an x86_64 QEMU guest (TCG)
# running Debian 12's kernel with crashkernel=256M. The guest root
# (tests/e2e/kdumpctl-init.sh as /init) holds `make install DESTDIR=...` of
# this build, the shipped kdump.conf (plus `ext4 UUID=...`, the virtio dump
# disk; `path /var/crash`) and sysconfig, /boot/vmlinuz-<kver>,
# config-<kver> and Debian's /lib/modules/<kver> (virtio and ext4 part,
# depmod'ed). There:
#   - `kdumpctl start` with an invalid kdump.conf fails with upstream's
#     message and loads nothing; `kdumpctl status` then says not operational;
#   - `kdumpctl start` builds the capture initramfs and runs our kexec -p;
#     `kdumpctl status` says `Kdump is operational`; sysrq-c;
#   - the capture kernel boots kdumpctl's initramfs, whose /init (kdumpctl)
#     loads virtio and ext4 modules, finds the disk by UUID and saves
#     /var/crash/127.0.0.1-<date>/{vmcore,vmcore-dmesg.txt,kexec-dmesg.log}
#     with our makedumpfile (-l --message-level 7 -d 31) and vmcore-dmesg,
#     then reboots (QEMU's -no-reboot ends the run).
# The host reads the files back with debugfs and checks them: crash
# --osrelease, libkdumpfile (VMCOREINFO, utsname, pages), Debian's
# makedumpfile --dump-dmesg, the sysrq lines at the end of vmcore-dmesg.txt,
# and crash's `bt` with the debug vmlinux when it is in the cache (or
# KX_E2E_FETCH_DBG=1 fetches it, about 1 GB of download).
# One guest per KEXEC_ARGS variant (1 GiB, 1 vCPU), one at a time:
#   KX_E2E_KDUMPCTL_VARIANTS  default "none c s": KEXEC_ARGS="" (our default,
#                             kexec_file_load first), "-c" (kexec_load
#                             with our purgatory) and "-s" (kexec_file_load)
#   KX_E2E_KDUMPCTL_BIG       the variant also run in a 4 GiB guest with 2
#                             vCPUs (default "none"; "" skips it): the dump
#                             must hold two NT_PRSTATUS notes (read from the
#                             file by kdump-notes.py, and by libkdumpfile),
#                             and crash's `bt -a` shows both CPUs
#   KX_E2E_KDUMPCTL_FULL      1 (default) also runs the failure path: a
#                             40 MiB dump disk cannot hold the vmcore, so
#                             the capture leaves vmcore-incomplete and runs
#                             failure_action poweroff (not final_action
#                             reboot); 0 skips it
#   KX_E2E_KDUMPCTL_TIMEOUT   seconds per guest (default 300)
# Serial logs stay in $KX_BUILDDIR/e2e-kdumpctl/ (serial-<run>.log) and the
# last 200 lines of a failing run's are printed.
# Nothing here runs kexec on the host.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
tap_e2e_setup
variants=${KX_E2E_KDUMPCTL_VARIANTS-"none c s"}
big=${KX_E2E_KDUMPCTL_BIG-none}
full=${KX_E2E_KDUMPCTL_FULL:-1}
timeout_s=${KX_E2E_KDUMPCTL_TIMEOUT:-300}
mem=1024
. "$E2E/lib.sh"

name="kdumpctl in a QEMU guest"
tap_skip_guests "$name"
e2e_tap_need_host "$name"
command -v depmod >/dev/null 2>&1 || [ -x /sbin/depmod ] || [ -x /usr/sbin/depmod ] ||
	e2e_tap_skip_all "$name" "depmod is not installed (apt-get install kmod)"
e2e_tap_need_suite

work=$B/e2e-kdumpctl
rm -rf "$work"
mkdir -p "$work" || exit 1
uuid=6b1d7a52-0c8e-4f3a-9d2e-5a7c3e1f4b60

t=$(e2e_now)
e2e_tap_fetch_all "$name" "$work/build.log"
if ! { e2e_install_tree "$work/destdir" &&
	e2e_build_kdumpctl_guest "$work/guest" "$work/destdir" "$uuid"; } >>"$work/build.log" 2>&1; then
	e2e_tap_fail_all "build the guest: make install DESTDIR=..., kdump.conf, kernel, modules" \
		"$(cat "$work/build.log")"
fi
tap_ok "build the guest: Debian's $E2E_KVER, make install of this build ($(e2e_secs "$t") s)"
dbg=
if [ "${KX_E2E_FETCH_DBG:-0}" = 1 ] || [ -f "$E2E_CACHE/dbg/vmlinux-$E2E_KVER" ]; then
	e2e_fetch_dbg_vmlinux >>"$work/build.log" 2>&1 && dbg=$E2E_DBG_VMLINUX
fi

. "$E2E/kdumpctl-checks.sh"

# kx_notes_checks NAME OUT CPUS: the per-CPU crash notes of OUT/vmcore.
kx_notes_checks() {
	[ -f "$2/vmcore" ] || return 0
	"$PY" "$E2E/kdump-notes.py" "$2/vmcore" >"$2/notes.txt" 2>&1
	tap_check "[$1] disk_dump_header nr_cpus is $3" "$3" "$(sed -n 's/^nr_cpus //p' "$2/notes.txt")"
	tap_check "[$1] $3 NT_PRSTATUS notes in the dump (one per CPU)" "$3" \
		"$(sed -n 's/^prstatus //p' "$2/notes.txt")"
	if grep -q '^libkdumpfile' "$2/notes.txt"; then
		tap_check "[$1] libkdumpfile: cpu.number is $3" "$3" \
			"$(sed -n 's/^libkdumpfile.cpu.number //p' "$2/notes.txt")"
	else
		tap_skip "[$1] libkdumpfile: cpu.number" "python3-libkdumpfile is not installed"
	fi
	if [ -n "${dbg:-}" ] && command -v crash >/dev/null 2>&1; then
		printf 'bt -a\nquit\n' | timeout 300 crash -s "$dbg" "$2/vmcore" >"$2/crash-bt-a.txt" 2>&1
		_nc=0
		while [ "$_nc" -lt "$3" ]; do
			tap_match "[$1] crash bt -a: a backtrace of CPU $_nc" "CPU: $_nc " "$(cat "$2/crash-bt-a.txt")"
			_nc=$((_nc + 1))
		done
	else
		tap_skip "[$1] crash bt -a" "no debug vmlinux in the cache (KX_E2E_FETCH_DBG=1 fetches it)"
	fi
}

# kx_full_checks NAME LOG QEMU_STATUS DISK OUT: the capture on a full disk.
kx_full_checks() {
	case $3 in
	0) tap_ok "[$1] QEMU ran the guest to the capture kernel's power-off" ;;
	124) tap_not_ok "[$1] QEMU ran the guest to the capture kernel's power-off" "timed out" ;;
	*) tap_not_ok "[$1] QEMU ran the guest to the capture kernel's power-off" "QEMU status $3" ;;
	esac
	tap_check "[$1] kdump.conf has failure_action poweroff" "failure_action poweroff" \
		"$(kx_res "$2" failure-action)"
	tap_check "[$1] kdumpctl start exits 0" 0 "$(kx_res "$2" start)"
	tap_check "[$1] kdumpctl start: kexec_crash_loaded is 1" 1 "$(kx_res "$2" crash-loaded-start)"
	_kc=$(kx_capture_log "$2")
	tap_match "[$1] the capture kernel runs kdumpctl's initramfs (/init)" \
		'Run /init as init process' "$_kc"
	tap_match "[$1] capture: makedumpfile runs out of space" 'No space left on device' "$_kc"
	tap_match "[$1] capture: kdump: saving vmcore failed, exitcode:N" \
		'^kdump: saving vmcore failed, exitcode:[1-9]' "$_kc"
	tap_match "[$1] capture: kdump: Executing failure action poweroff" \
		'^kdump: Executing failure action poweroff$' "$_kc"
	tap_match "[$1] capture: the guest powers off (failure_action)" 'reboot: Power down' "$_kc"
	if printf '%s\n' "$_kc" | grep -q 'reboot: Restarting system'; then
		tap_not_ok "[$1] capture: final_action reboot does not run" \
			"$(printf '%s\n' "$_kc" | grep 'reboot: Restarting system')"
	else
		tap_ok "[$1] capture: final_action reboot does not run"
	fi
	printf '%s\n' "$_kc" | grep -E '^kdump: ' | sed "s/^/# [$1]   /"
	mkdir -p "$5"
	_kd=$(e2e_disk_dumpdirs "$4")
	tap_match "[$1] one dump directory /var/crash/127.0.0.1-<date>" \
		'^127\.0\.0\.1-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}:[0-9]{2}:[0-9]{2}$' "$_kd"
	debugfs -R "ls -l /var/crash/$_kd" "$4" 2>/dev/null >"$5/ls.txt"
	sed "s/^/# [$1]   /" "$5/ls.txt"
	if e2e_disk_get "$4" "/var/crash/$_kd/vmcore-incomplete" "$5/vmcore-incomplete" 2>"$5/err"; then
		tap_ok "[$1] vmcore-incomplete left on the disk ($(wc -c <"$5/vmcore-incomplete") bytes)"
	else
		tap_not_ok "[$1] vmcore-incomplete left on the disk" "$(cat "$5/err")"
	fi
	if e2e_disk_get "$4" "/var/crash/$_kd/vmcore" "$5/vmcore" 2>/dev/null; then
		tap_not_ok "[$1] no vmcore (the incomplete dump is not renamed)" "$(cat "$5/ls.txt")"
	else
		tap_ok "[$1] no vmcore (the incomplete dump is not renamed)"
	fi
	if e2e_disk_get "$4" "/var/crash/$_kd/vmcore-dmesg.txt" "$5/vmcore-dmesg.txt" 2>"$5/err"; then
		tap_match "[$1] vmcore-dmesg.txt (saved before the vmcore) holds the crash" \
			'sysrq: Trigger a crash' "$(cat "$5/vmcore-dmesg.txt")"
	else
		tap_not_ok "[$1] vmcore-dmesg.txt (saved before the vmcore)" "$(cat "$5/err")"
	fi
}

# run_guest NAME MEM CPUS DISK_MIB APPEND CHECKS: one guest, its checks, its
# serial log printed when one of them failed.
run_guest() {
	_rn=$1
	log=$work/serial-$_rn.log
	disk=$work/disk-$_rn.img
	failed_boot=$tap_failed
	e2e_make_dump_disk "$disk" "$4" "$uuid" || exit 1
	t=$(e2e_now)
	e2e_qemu_run "$log" "$timeout_s" "$2" "$3" "$E2E_KDIR/vmlinuz" "$work/guest/initrd.img" \
		"console=ttyS0 panic=1 crashkernel=256M $5" "$disk"
	st=$?
	echo "# [$_rn] QEMU ran $(e2e_secs "$t") s (${2} MiB, $3 vCPU)"
	case $6 in
	cycle)
		kx_check_cycle "$_rn" "$log" "$st" "$disk" "$work/out-$_rn"
		[ "$3" = 1 ] || kx_notes_checks "$_rn" "$work/out-$_rn" "$3"
		;;
	full) kx_full_checks "$_rn" "$log" "$st" "$disk" "$work/out-$_rn" ;;
	esac
	if [ "$tap_failed" != "$failed_boot" ]; then
		echo "# [$_rn] serial log: $log"
		e2e_print_log "$log" 200
	else
		rm -rf "$disk" "$work/out-$_rn"
	fi
}

for v in $variants; do
	run_guest "$v" "$mem" 1 512 "kx_kexec_args=$v" cycle
done
for v in $big; do
	# 4 GiB: the dump disk must hold a -d 31 dump of it.
	run_guest "$v-4G-2cpu" 4096 2 1024 "kx_kexec_args=$v kx_broken=0" cycle
done
if [ "$full" = 1 ]; then
	run_guest full "$mem" 1 40 "kx_kexec_args=none kx_broken=0 kx_failure_action=poweroff" full
fi
tap_done
