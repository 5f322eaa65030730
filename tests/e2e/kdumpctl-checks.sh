# SPDX-License-Identifier: GPL-2.0-only
# tests/e2e/kdumpctl-checks.sh: the host-side checks of one kdumpctl-driven
# kdump cycle (the guest of e2e_build_kdumpctl_guest), as TAP lines. Sourced
# by test-kdumpctl.sh and main-job.sh after tests/lib/tap.sh and lib.sh.
# Needs E2E_KVER, E2E_DEBIAN_MAKEDUMPFILE (optional), PY, dbg (the debug
# vmlinux or empty).

# kx_res LOG NAME: the value of the guest's last "KX-MARK NAME=VALUE" line.
kx_res() {
	tr -d '\r' <"$1" | sed -n "s/^KX-MARK $2=//p" | tail -n 1
}

# kx_seg LOG NAME: what the guest command NAME printed (kdumpctl-init.sh).
kx_seg() {
	tr -d '\r' <"$1" | sed -n "/^KX-RUN $2: /,/^KX-END $2\$/p" | sed '1d; $d'
}

# kx_capture_log LOG: the serial log from the capture kernel's boot on.
kx_capture_log() {
	tr -d '\r' <"$1" | sed -n '/sysrq: Trigger a crash/,$p' | sed -n '/Linux version/,$p'
}

# kx_ktime TEXT-REGEX: the kernel timestamp of the first capture-log line
# matching the regex (read from stdin).
kx_ktime() {
	sed -n "s#^\[ *\([0-9]*\.[0-9]*\)\] .*$1.*#\1#p" | head -n 1
}

# kx_phase_times LOG OUT: the cycle's phases, from the guest's markers and
# the capture kernel's timestamps, into OUT/timings.txt.
kx_phase_times() {
	_kc=$(kx_capture_log "$1")
	_k_init=$(printf '%s\n' "$_kc" | kx_ktime 'Run /init as init process')
	_k_end=$(printf '%s\n' "$_kc" | kx_ktime 'reboot: \(Restarting system\|Power down\)')
	_d() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "") print "?"; else printf "%.1f", b - a }'; }
	{
		echo "first kernel: /init at $(e2e_marker "$1" boot-init) s, kdumpctl start took $(_d "$(e2e_marker "$1" kdumpctl-start-start)" "$(e2e_marker "$1" kdumpctl-start-end)") s, sysrq-c at $(e2e_marker "$1" crash) s"
		echo "capture kernel: kdumpctl's /init at ${_k_init:-?} s, dump saved and final_action at ${_k_end:-?} s (capture side $(_d "$_k_init" "$_k_end") s)"
	} >"$2/timings.txt"
}

# kx_check_guest V LOG: what the first kernel reported.
kx_check_guest() {
	tap_check "[$1] the first kernel is Debian's $E2E_KVER" "$E2E_KVER" "$(kx_res "$2" first-kernel)"
	tap_check "[$1] kexec_crash_loaded is 0 at boot" 0 "$(kx_res "$2" crash-loaded-boot)"
	if [ -n "$(kx_res "$2" start-broken)" ]; then
		tap_check "[$1] broken kdump.conf: kdumpctl start exits 1" 1 "$(kx_res "$2" start-broken)"
		tap_match "[$1] broken kdump.conf: upstream's message" \
			'kdump: Usage kdump.conf: final_action \{reboot\|halt\|poweroff\}' "$(kx_seg "$2" start-broken)"
		tap_match "[$1] broken kdump.conf: Starting kdump: [FAILED]" \
			'kdump: Starting kdump: \[FAILED\]' "$(kx_seg "$2" start-broken)"
		tap_check "[$1] broken kdump.conf: nothing loaded (kexec_crash_loaded 0)" 0 \
			"$(kx_res "$2" crash-loaded-broken)"
		tap_check "[$1] broken kdump.conf: kdumpctl status exits 3" 3 "$(kx_res "$2" status-broken)"
		tap_match "[$1] broken kdump.conf: Kdump is not operational" \
			'^kdump: Kdump is not operational' "$(kx_seg "$2" status-broken)"
	fi
	tap_check "[$1] kdumpctl start exits 0" 0 "$(kx_res "$2" start)"
	_ks=$(kx_seg "$2" start)
	tap_match "[$1] kdumpctl start rebuilt the kdump initramfs" \
		"kdump: Rebuilding /boot/initramfs-${E2E_KVER}kdump.img" "$_ks"
	tap_match "[$1] kdumpctl start: kexec: loaded kdump kernel" 'kdump: kexec: loaded kdump kernel' "$_ks"
	tap_match "[$1] kdumpctl start: Starting kdump: [OK]" 'kdump: Starting kdump: \[OK\]' "$_ks"
	tap_check "[$1] kdumpctl start: kexec_crash_loaded is 1" 1 "$(kx_res "$2" crash-loaded-start)"
	tap_check "[$1] kdumpctl status exits 0" 0 "$(kx_res "$2" status)"
	tap_match "[$1] kdumpctl status: Kdump is operational" '^kdump: Kdump is operational' \
		"$(kx_seg "$2" status)"
	echo "# [$1] $(kx_res "$2" kexec-args); $(kx_res "$2" kdump-initrd)"
}

# kx_check_capture V LOG: what kdumpctl's /init said in the capture kernel.
kx_check_capture() {
	_kc=$(kx_capture_log "$2")
	tap_match "[$1] sysrq-c boots the capture kernel" 'Linux version' "$_kc"
	kx_check_saved "$1" "$_kc"
}

# kx_check_saved V CAPTURE-LOG-TEXT: kdumpctl's /init ran and saved the
# dump to /var/crash, then final_action reboot.
kx_check_saved() {
	tap_match "[$1] the capture kernel runs kdumpctl's initramfs (/init)" \
		'Run /init as init process' "$2"
	for _km in 'saving to /kdumproot/var/crash/127\.0\.0\.1-' 'saving vmcore-dmesg\.txt complete' \
			'saving vmcore complete'; do
		tap_match "[$1] capture: kdump: $_km" "^kdump: $_km" "$2"
	done
	tap_match "[$1] capture: final_action (reboot)" 'reboot: Restarting system' "$2"
	printf '%s\n' "$2" | grep -E '^kdump: ' | sed "s/^/# [$1]   /"
}

# kx_check_files V DISK OUT: the saved files, read back from the disk.
kx_check_files() {
	mkdir -p "$3"
	_kd=$(e2e_disk_dumpdirs "$2")
	tap_match "[$1] one dump directory /var/crash/127.0.0.1-<date>" \
		'^127\.0\.0\.1-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}:[0-9]{2}:[0-9]{2}$' "$_kd"
	echo "/var/crash/$_kd" >"$3/dumpdir"
	debugfs -R "ls -l /var/crash/$_kd" "$2" 2>/dev/null >"$3/ls.txt"
	for _kf in vmcore vmcore-dmesg.txt kexec-dmesg.log; do
		if e2e_disk_get "$2" "/var/crash/$_kd/$_kf" "$3/$_kf" 2>"$3/err"; then
			tap_ok "[$1] $_kf saved ($(wc -c <"$3/$_kf") bytes)"
		else
			tap_not_ok "[$1] $_kf saved" "$(cat "$3/err")" "$(cat "$3/ls.txt")"
		fi
	done
	# kexec-dmesg.log: the capture kernel's own log, then kdumpctl's messages.
	tap_match "[$1] kexec-dmesg.log holds the capture kernel's log" 'Run /init as init process' \
		"$(cat "$3/kexec-dmesg.log" 2>/dev/null)"
	tap_match "[$1] kexec-dmesg.log holds kdumpctl's messages" '^kdump: saving vmcore complete$' \
		"$(cat "$3/kexec-dmesg.log" 2>/dev/null)"
	if grep -q 'incomplete' "$3/ls.txt"; then
		tap_not_ok "[$1] no *-incomplete file left" "$(cat "$3/ls.txt")"
	else
		tap_ok "[$1] no *-incomplete file left"
	fi
}

# kx_mdf_dmesg_plain FILE: makedumpfile --dump-dmesg's FILE in vmcore-dmesg's
# format. makedumpfile adds a caller column ("[      T1] ", current
# upstream and ours; not Debian's 1.7.2) and indents the continuation lines
# of a multi-line record to the width of the prefix; vmcore-dmesg (as
# kexec-tools') prints neither.
kx_mdf_dmesg_plain() {
	awk 'match($0, /^\[ *[0-9]+\.[0-9]+\] (\[ *[TC][0-9]+\] )?/) {
			w = RLENGTH; t = index($0, "] ") + 1
			print substr($0, 1, t) substr($0, w + 1); next }
		{ p = substr($0, 1, w); if (w && p ~ /^ *$/) $0 = substr($0, w + 1); print }' "$1"
}

# kx_check_vmcore V OUT: the dump, through other programs.
kx_check_vmcore() {
	_kv=$2/vmcore
	[ -f "$_kv" ] || return 0
	tap_check "[$1] the vmcore is kdump-compressed" "KDUMP   " "$(head -c 8 "$_kv")"
	if command -v crash >/dev/null 2>&1; then
		tap_check "[$1] crash --osrelease reads $E2E_KVER" "$E2E_KVER" "$(crash --osrelease "$_kv" 2>&1)"
	else
		tap_skip "[$1] crash --osrelease" "crash is not installed"
	fi
	if "$PY" -c 'import kdumpfile' 2>/dev/null; then
		_kk=$("$PY" "$E2E/kdumpfile-check.py" "$_kv" 2>&1)
		tap_match "[$1] libkdumpfile: VMCOREINFO OSRELEASE" "^osrelease $E2E_KVER\$" "$_kk"
		tap_match "[$1] libkdumpfile: utsname release through the kernel's page tables" \
			"^uts.release $E2E_KVER\$" "$_kk"
		tap_match "[$1] libkdumpfile: the guest's host name kxguest in init_uts_ns" "^uts.nodename kxguest$" "$_kk"
		tap_match "[$1] libkdumpfile: reads pages" '^pages-read [1-9]' "$_kk"
		printf '%s\n' "$_kk" >"$2/kdumpfile.txt"
	else
		tap_skip "[$1] libkdumpfile" "python3-libkdumpfile is not installed"
	fi
	_kt=$2/vmcore-dmesg.txt
	# The log ends with the crash: the sysrq line, the panic line, and then
	# only the panic's register dump and backtrace.
	_ke=$(awk '/sysrq: Trigger a crash/ { n = NR; p = "" }
		n && NR == n + 1 { p = $0 }
		END { print (NR - n) " " p }' "$_kt" 2>/dev/null)
	tap_match "[$1] vmcore-dmesg.txt: sysrq: Trigger a crash, then the panic" \
		'^[0-9]+ \[ *[0-9.]+\] Kernel panic - not syncing: sysrq triggered crash$' "$_ke"
	case ${_ke%% *} in
	''|*[!0-9]*) tap_not_ok "[$1] vmcore-dmesg.txt ends with the crash" "$_ke" ;;
	*) [ "${_ke%% *}" -le 80 ] && tap_ok "[$1] vmcore-dmesg.txt ends with the crash (${_ke%% *} lines of panic report after it)" ||
		tap_not_ok "[$1] vmcore-dmesg.txt ends with the crash" "${_ke%% *} lines after the sysrq line" ;;
	esac
	if [ -x "${E2E_DEBIAN_MAKEDUMPFILE:-}" ]; then
		"$E2E_DEBIAN_MAKEDUMPFILE" --dump-dmesg "$_kv" "$2/debian-dmesg.txt" >"$2/debian-dmesg.log" 2>&1
		tap_match "[$1] Debian's makedumpfile --dump-dmesg reads our vmcore" \
			'sysrq: Trigger a crash' "$(cat "$2/debian-dmesg.txt" 2>/dev/null)"
		kx_mdf_dmesg_plain "$2/debian-dmesg.txt" >"$2/debian-dmesg.unindented.txt"
		if cmp -s "$2/debian-dmesg.unindented.txt" "$_kt"; then
			tap_ok "[$1] vmcore-dmesg.txt equals Debian's makedumpfile --dump-dmesg (continuation lines unindented)"
		else
			tap_not_ok "[$1] vmcore-dmesg.txt equals Debian's makedumpfile --dump-dmesg (continuation lines unindented)" \
				"$(diff "$2/debian-dmesg.unindented.txt" "$_kt" 2>&1 | head -n 20)"
		fi
	else
		tap_skip "[$1] Debian's makedumpfile --dump-dmesg" "not in the cache"
	fi
	# Our makedumpfile reads the log out of the kdump-compressed dump too.
	rm -f "$2/our-dmesg.txt"
	"$KX_BUILDDIR/makedumpfile/makedumpfile" --dump-dmesg "$_kv" "$2/our-dmesg.txt" \
		>"$2/our-dmesg.log" 2>&1
	if kx_mdf_dmesg_plain "$2/our-dmesg.txt" 2>/dev/null | cmp -s - "$_kt"; then
		tap_ok "[$1] our makedumpfile --dump-dmesg of the vmcore: vmcore-dmesg.txt's text"
	else
		tap_not_ok "[$1] our makedumpfile --dump-dmesg of the vmcore: vmcore-dmesg.txt's text" \
			"$(cat "$2/our-dmesg.log")" \
			"$(kx_mdf_dmesg_plain "$2/our-dmesg.txt" 2>&1 | diff - "$_kt" | head -n 20)"
	fi
	if [ -n "${dbg:-}" ] && command -v crash >/dev/null 2>&1; then
		printf 'bt\nquit\n' | timeout 300 crash -s "$dbg" "$_kv" >"$2/crash-bt.txt" 2>&1
		tap_match "[$1] crash vmlinux vmcore: bt shows sysrq_handle_crash" 'sysrq_handle_crash' \
			"$(cat "$2/crash-bt.txt")"
	else
		tap_skip "[$1] crash bt" "no debug vmlinux in the cache (KX_E2E_FETCH_DBG=1 fetches it)"
	fi
}

# kx_check_cycle V LOG QEMU_STATUS DISK OUT: all of the above.
kx_check_cycle() {
	case $3 in
	0) tap_ok "[$1] QEMU ran the guest to the capture kernel's reboot" ;;
	124) tap_not_ok "[$1] QEMU ran the guest to the capture kernel's reboot" "timed out" ;;
	*) tap_not_ok "[$1] QEMU ran the guest to the capture kernel's reboot" "QEMU status $3" ;;
	esac
	_kfail=$(tr -d '\r' <"$2" | grep -a 'KX-E2E: FAIL')
	[ -z "$_kfail" ] || tap_not_ok "[$1] the guest reported no failure" "$_kfail"
	mkdir -p "$5"
	kx_check_guest "$1" "$2"
	kx_check_capture "$1" "$2"
	kx_check_files "$1" "$4" "$5"
	kx_check_vmcore "$1" "$5"
	kx_phase_times "$2" "$5"
	sed "s/^/# [$1] /" "$5/timings.txt"
}
