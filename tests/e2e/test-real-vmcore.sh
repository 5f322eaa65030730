#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# makedumpfile and vmcore-dmesg on a REAL vmcore: a /proc/vmcore of Debian
# 12's kernel captured in a QEMU guest by tests/e2e/capture-vmcore.sh
# (cached in $KX_E2E_CACHE, default $KX_BUILDDIR/e2e-cache, after the first
# run). Our makedumpfile must write byte for byte the dump Debian's
# makedumpfile writes from the same ELF vmcore (made on the host, and made
# in the guest from /proc/vmcore); our vmcore-dmesg must print what Debian's
# prints; libkdumpfile and crash must read our dump.
#   KX_E2E_MEM (default 1024), KX_E2E_CPUS (default 1): the guest to capture.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
tap_e2e_setup
mem=${KX_E2E_MEM:-1024}
cpus=${KX_E2E_CPUS:-1}
. "$E2E/lib.sh"

tmp=$(mktemp -d "$B/e2e-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
e2e_tap_capture "real vmcore tests" "$mem" "$cpus" "$tmp"
vdir=$E2E_VDIR
kver=$E2E_KVER
v=$vdir/vmcore.elf

e2e_fetch_debian_tools >"$tmp/fetch.log" 2>&1 ||
	e2e_tap_fail_all "fetch Debian's makedumpfile and vmcore-dmesg" "$(cat "$tmp/fetch.log")"
DMDF=$E2E_DEBIAN_MAKEDUMPFILE
DVMD=$E2E_DEBIAN_VMCORE_DMESG

# same NAME A B: byte-identical kdump-compressed files, or the exact
# differences (bitmap-diff.py) as the failure's diagnostics.
same() {
	if cmp -s "$2" "$3"; then
		tap_ok "$1"
	else
		tap_not_ok "$1" "$(cmp "$2" "$3" 2>&1 | head -n 1)" \
			"$("$PY" "$E2E/bitmap-diff.py" "$2" "$3" 2>&1 | head -n 120)"
	fi
}

# Debian's makedumpfile on the host over the ELF copy is the same oracle
# as in the guest over /proc/vmcore.
"$DMDF" -l -d 31 "$v" "$tmp/debian-ld31.kdump" >"$tmp/debian.log" 2>&1
same "Debian's makedumpfile -l -d 31: host run equals the guest's" \
	"$tmp/debian-ld31.kdump" "$vdir/guest-makedumpfile.kdump"

for opts in "-l -d 31" "-c -d 31" "-d 1"; do
	tag=$(echo "$opts" | tr -d ' -')
	ours=$tmp/ours-$tag.kdump theirs=$tmp/debian-$tag.kdump
	t=$(e2e_now)
	tap_run "makedumpfile $opts on the real vmcore succeeds" 0 "$MDF" $opts "$v" "$ours"
	echo "# ours $opts: $(e2e_secs "$t") s"
	if [ ! -f "$theirs" ]; then
		t=$(e2e_now)
		"$DMDF" $opts "$v" "$theirs" >"$tmp/debian.log" 2>&1
		echo "# Debian's $opts: $(e2e_secs "$t") s"
	fi
	if [ ! -s "$theirs" ]; then
		tap_not_ok "Debian's makedumpfile $opts wrote a dump" "$(cat "$tmp/debian.log")"
		continue
	fi
	same "makedumpfile $opts: byte-identical to Debian's makedumpfile on the host" "$ours" "$theirs"
	[ "$tag" = ld31 ] &&
		same "makedumpfile $opts: byte-identical to Debian's makedumpfile in the guest" \
			"$ours" "$vdir/guest-makedumpfile.kdump"
	[ "$tag" = ld31 ] || rm -f "$ours" "$theirs"
done

if [ -x "$VMD" ]; then
	tap_run "vmcore-dmesg reads the real vmcore" 0 "$VMD" "$v"
	printf '%s\n' "$tap_out" >"$tmp/ours.dmesg"
	"$DVMD" "$v" >"$tmp/debian.dmesg" 2>"$tmp/debian.dmesg.err"
	if cmp -s "$tmp/ours.dmesg" "$tmp/debian.dmesg"; then
		tap_ok "vmcore-dmesg: identical to Debian's vmcore-dmesg on the host ($(wc -l <"$tmp/ours.dmesg") lines)"
	else
		tap_not_ok "vmcore-dmesg: identical to Debian's vmcore-dmesg on the host" \
			"$(diff "$tmp/debian.dmesg" "$tmp/ours.dmesg" | head -n 40)"
	fi
	if cmp -s "$tmp/ours.dmesg" "$vdir/guest-vmcore-dmesg.txt"; then
		tap_ok "vmcore-dmesg: identical to Debian's vmcore-dmesg in the guest"
	else
		tap_not_ok "vmcore-dmesg: identical to Debian's vmcore-dmesg in the guest" \
			"$(diff "$vdir/guest-vmcore-dmesg.txt" "$tmp/ours.dmesg" | head -n 40)"
	fi
	tap_match "vmcore-dmesg shows the sysrq crash" "sysrq: Trigger a crash" "$tap_out"
else
	tap_not_ok "vmcore-dmesg is built" "$VMD missing"
fi

dump=$tmp/ours-ld31.kdump
if [ ! -f "$dump" ]; then
	tap_not_ok "our -l -d 31 dump exists for the readers"
elif "$PY" -c 'import kdumpfile' 2>/dev/null; then
	t=$(e2e_now)
	tap_run "libkdumpfile reads every kept page of our dump equal to the vmcore" 0 \
		"$PY" "$S/tests/tools/compare_dump.py" "$v" "$dump"
	echo "# compare_dump: $tap_out ($(e2e_secs "$t") s)"
else
	tap_skip "libkdumpfile comparison" "python3-libkdumpfile not installed"
fi
if [ ! -f "$dump" ]; then
	:
elif command -v crash >/dev/null 2>&1; then
	tap_run "crash --osrelease accepts our dump" 0 crash --osrelease "$dump"
	tap_check "crash reads the release from our dump" "$kver" "$tap_out"
else
	tap_skip "crash --osrelease" "crash not installed"
fi

# --dump-dmesg: Debian's 1.7.2 predates the caller-id column that current
# upstream (and we) print; without it the text must be the same bytes.
rm -f "$tmp/ours.dmesg" "$tmp/theirs.dmesg"
tap_run "makedumpfile --dump-dmesg succeeds" 0 "$MDF" --dump-dmesg "$v" "$tmp/ours.dmesg"
tap_match "it says where the log is" "The dmesg log is saved to" "$tap_out"
"$DMDF" --dump-dmesg "$v" "$tmp/theirs.dmesg" >/dev/null 2>&1
tap_check "--dump-dmesg equals Debian's makedumpfile, caller column aside" "same" \
	"$(sed -E 's/^(\[ *[0-9]+\.[0-9]+\] )\[ *[TC][0-9]+\] /\1/' "$tmp/ours.dmesg" |
		cmp -s - "$tmp/theirs.dmesg" && echo same || echo differ)"
tap_match "--dump-dmesg has the caller column" "^\[ *0\.000000\] \[ +T0\] Linux version" \
	"$(head -1 "$tmp/ours.dmesg")"
tap_done
