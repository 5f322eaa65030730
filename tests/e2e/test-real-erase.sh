#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# --config erase filtering of a loaded module on a REAL vmcore: the 1 GiB
# capture of Debian 12's kernel (tests/e2e/capture-vmcore.sh, cached in
# $KX_E2E_CACHE), whose guest loaded ext4, with ext4's debug .ko from
# linux-image-<kver>-dbg. Checked three ways:
#  1. the erased bytes, read at the addresses crash(8) gives for the
#     symbols (mod -s ext4), hold the fill in our dump and every other byte
#     of every page equals the vmcore (tests/tools/check_erase.py kvcompare,
#     through libkdumpfile and the vmcore's own page tables);
#  2. Debian's makedumpfile 1.7.2, given the same -x/--config, writes the
#     same kdump-compressed file byte for byte (pages, eraseinfo, headers);
#  3. --eraseinfo and the -E ERASEINFO note list the erase commands.
# Needs the debug vmlinux and ext4.ko in the cache: KX_E2E_FETCH_DBG=1
# fetches them (an 860 MB .deb, once; about 20 MB are kept).
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
tap_e2e_setup
. "$E2E/lib.sh"

tmp=$(mktemp -d "$B/e2e-erase.XXXXXX") && tmp=$(cd "$tmp" && pwd) || exit 1
# KX_E2E_KEEP=1 keeps the scratch directory (ranges, crash's output, dumps).
[ "${KX_E2E_KEEP:-0}" = 1 ] || trap 'rm -rf "$tmp"' EXIT
e2e_tap_capture "real vmcore erase tests" 1024 1 "$tmp"
v=$E2E_VDIR/vmcore.elf

E2E_DBG_ROOT=$E2E_CACHE/dbg/root-$E2E_KVER
if [ "${KX_E2E_FETCH_DBG:-0}" != 1 ] && { [ ! -f "$E2E_CACHE/dbg/vmlinux-$E2E_KVER" ] ||
		! grep -qx ext4 "$E2E_DBG_ROOT/.modules" 2>/dev/null; }; then
	e2e_tap_skip_all "real vmcore erase tests" \
		"no debug vmlinux and ext4.ko in $E2E_CACHE/dbg (KX_E2E_FETCH_DBG=1 fetches them)"
fi
e2e_fetch_dbg_modules ext4 >"$tmp/fetch.log" 2>&1 && e2e_fetch_debian_tools >>"$tmp/fetch.log" 2>&1 ||
	e2e_tap_fail_all "fetch the debug vmlinux, ext4.ko and Debian's makedumpfile" "$(cat "$tmp/fetch.log")"
vmlinux=$E2E_DBG_VMLINUX
dbgko=$(find "$E2E_DBG_ROOT/usr/lib/debug/lib/modules/$E2E_KVER" -name ext4.ko | head -n 1)
plainko=$E2E_CACHE/kernel/$E2E_KVER/modules/ext4.ko  # as the guest loaded it
DMDF=$E2E_DEBIAN_MAKEDUMPFILE

# ext4's data in every form makedumpfile.conf(5) has: a whole array, a
# structure member, a char * member (the string it points to, in the
# module's .rodata), N bytes, a pointer set to NULL, and a loop over an
# array of pointers (the mode of each sysfs attribute). crc16 is loaded but
# its debuginfo is never fetched; btrfs is not loaded.
cat >"$tmp/erase.conf" <<'EOF'
[ext4]
erase ext4__ioend_wq
erase ext4_fs_type.fs_supers
erase ext4_fs_type.name
erase ext4_groups size 8
erase ext4_proc_root nullify
for a in ext4_attrs
	erase a.mode
endfor
[crc16]
erase crc16_table
[btrfs]
erase btrfs_fs_type
EOF

ours=$tmp/ours.kdump
tap_run "makedumpfile -l -d 31 --config with an [ext4] section" 0 \
	env KX_ROOT="$E2E_DBG_ROOT" "$MDF" -l -d 31 -x "$vmlinux" --config "$tmp/erase.conf" "$v" "$ours"
tap_match "a loaded module without debuginfo is skipped" \
	"^$tmp/erase.conf: \\[crc16\\]: Can't get Module debuginfo for module 'crc16' \\(no debuginfo for module crc16 in $E2E_DBG_ROOT/usr/lib/debug/lib/modules/$E2E_KVER, $E2E_DBG_ROOT/lib/modules/$E2E_KVER\\): skipping to next Module section \\(1 command\\(s\\)\\)\\.\$" \
	"$tap_out"
tap_match "a module not loaded is skipped" \
	"^$tmp/erase.conf: \\[btrfs\\]: module btrfs is not loaded in the dump: skipping to next Module section \\(1 command\\(s\\)\\)\\.\$" \
	"$tap_out"

# Where the erased bytes are, from crash(8) and ext4's debuginfo: nothing
# of ours computes them.
if command -v crash >/dev/null 2>&1; then
	cat >"$tmp/crash.cmd" <<EOF
mod -s ext4 $dbgko
p/x &ext4__ioend_wq
p sizeof(ext4__ioend_wq)
p/x &ext4_fs_type.fs_supers
p ext4_fs_type.name
p/x &ext4_groups
p/x &ext4_proc_root
p/x &((struct attribute *)0)->mode
p sizeof(umode_t)
rd -64 ext4_attrs 64
quit
EOF
	timeout 300 crash -s "$vmlinux" "$v" <"$tmp/crash.cmd" >"$tmp/crash.out" 2>&1
	val() { sed -n "s/^\\\$$1 = \\([0-9a-fx]*\\).*/\\1/p" "$tmp/crash.out"; }
	name=$(sed -n 's/^\$4 = 0x[0-9a-f]* .*"\(.*\)"$/\1/p' "$tmp/crash.out")
	{
		echo "$(val 1) $(val 2) X"
		echo "$(val 3) 8 X"
		echo "$(val 4) ${#name} X"
		echo "$(val 5) 8 X"
		echo "$(val 6) 8 0"
		# ext4_attrs[] up to its NULL: the loop's elements.
		for p in $(sed -n 's/^[0-9a-f]\{16\}: *\([0-9a-f]\{16\}\) \([0-9a-f]\{16\}\) .*/\1 \2/p' \
				"$tmp/crash.out"); do
			[ "$p" = 0000000000000000 ] && break
			echo "0x$p+$(val 7) $(val 8) X"  # (sh arithmetic is signed)
		done
	} >"$tmp/ranges"
	nattr=$(($(wc -l <"$tmp/ranges") - 5))
	if [ "$nattr" -lt 1 ] || grep -q '^ \|  ' "$tmp/ranges"; then
		tap_not_ok "crash gives ext4's addresses" "$(cat "$tmp/crash.out")"
	else
		tap_ok "crash gives ext4's addresses ($nattr sysfs attributes)"
		tap_run "(1) our dump: the erased bytes hold the fill, all else equals the vmcore" 0 \
			"$PY" "$S/tests/tools/check_erase.py" kvcompare "$v" "$ours" "$tmp/ranges"
		echo "# $tap_out"
	fi
else
	tap_skip "(1) erased bytes at crash's addresses" "crash not installed"
	nattr=
fi

# (3) --eraseinfo: one line per erase command, one per loop element.
"$MDF" --eraseinfo "$ours" >"$tmp/eraseinfo" 2>"$tmp/eraseinfo.err"
{
	printf '%s\n' "erase ext4__ioend_wq size 888" "erase ext4_fs_type.fs_supers size 8" \
		"erase ext4_fs_type.name size 4" "erase ext4_groups size 8" "erase ext4_proc_root nullify"
	n=0
	while [ "$n" -lt "${nattr:-$(grep -c '^erase a.mode' "$tmp/eraseinfo")}" ]; do
		echo "erase a.mode size 2"
		n=$((n + 1))
	done
} >"$tmp/eraseinfo.want"
tap_same "(3) --eraseinfo lists the erase commands" "$tmp/eraseinfo.want" "$tmp/eraseinfo"

# The layout Debian's makedumpfile 1.7.2 finds (through libdwfl): the
# module under /lib/modules/RELEASE and its debug file by build ID under
# /usr/lib/debug/.build-id (Debian's -dbg package installs
# /usr/lib/debug/lib/modules/RELEASE/.../ext4.ko, which 1.7.2 ignores: it
# takes a module only with a separate debug file). Ours must find it too.
bid=$(readelf -n "$plainko" | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p')
fr=$tmp/root
mkdir -p "$fr/usr/lib/modules/$E2E_KVER/kernel/fs/ext4" "$fr/usr/lib/debug/.build-id/${bid%"${bid#??}"}"
ln -s usr/lib "$fr/lib"
ln -s "$plainko" "$fr/usr/lib/modules/$E2E_KVER/kernel/fs/ext4/ext4.ko"
ln -s "$dbgko" "$fr/usr/lib/debug/.build-id/${bid%"${bid#??}"}/${bid#??}.debug"
# (A relative $KX_ROOT: libdwfl's search path must be made absolute.)
tap_run "the same with the module and a build-ID debug file" 0 \
	sh -c 'cd "$1" && shift && exec "$@"' sh "$tmp" env KX_ROOT=root "$(cd "$(dirname "$MDF")" && pwd)/makedumpfile" \
	-l -d 31 -x "$vmlinux" --config "$tmp/erase.conf" "$v" "$tmp/ours-buildid.kdump"
tap_same "both layouts give the same dump" "$ours" "$tmp/ours-buildid.kdump"
rm -f "$tmp/ours-buildid.kdump"

# Debian's makedumpfile reads /lib/modules and /usr/lib/debug of the host
# only: run it in a private mount namespace with that tree laid over
# /usr/lib (overlayfs, read-only; Debian 12's /lib is /usr/lib).
debian() {
	unshare -m sh -c 'mount -t overlay kx-e2e -o "lowerdir=$1:/usr/lib" /usr/lib && shift && exec "$@"' \
		sh "$fr/usr/lib" "$DMDF" "$@"
}
if ! unshare -m sh -c 'mount -t overlay kx-e2e -o "lowerdir=$1:/usr/lib" /usr/lib' sh "$fr/usr/lib" \
		>"$tmp/unshare.err" 2>&1; then
	tap_skip "(2) Debian's makedumpfile with the same --config" \
		"cannot lay the debuginfo over /usr/lib (unshare -m, overlayfs): $(cat "$tmp/unshare.err")"
	tap_done
	exit
fi
t=$(e2e_now)
debian -l -d 31 -x "$vmlinux" --config "$tmp/erase.conf" "$v" "$tmp/debian.kdump" >"$tmp/debian.log" 2>&1
echo "# Debian's makedumpfile -l -d 31 --config: $(e2e_secs "$t") s"
tap_match "Debian's makedumpfile skips the [crc16] section too" "Skipping to next Module section" \
	"$(cat "$tmp/debian.log")"
tap_same "(2) Debian's makedumpfile writes the same kdump-compressed dump, byte for byte" \
	"$ours" "$tmp/debian.kdump"
rm -f "$tmp/debian.kdump"

# -E: the ERASEINFO note, and every copy of the erased bytes. An x86_64
# ELF vmcore holds the kernel image's pages twice (its PT_LOAD and the
# direct map's), and the freed init memory there is reused for modules:
# ext4's data is in both. Debian's 1.7.2 erases one copy of each erased
# byte and leaves the other in the file (its filter list entries are
# consumed by their first use); ours erases both. Its PT_NOTE p_memsz also
# stays the input's while p_filesz grows by the note; ours sets both.
tap_run "makedumpfile -E -d 31 --config" 0 \
	env KX_ROOT="$E2E_DBG_ROOT" "$MDF" -E -d 31 -x "$vmlinux" --config "$tmp/erase.conf" "$v" "$tmp/ours.elf"
tap_run "(3) its ERASEINFO note holds the erase commands" 0 \
	"$PY" "$S/tests/tools/check_erase.py" note "$tmp/ours.elf" "$v" "$tmp/eraseinfo"
if [ -f "$tmp/ranges" ]; then
	tap_run "(1) every copy of the erased bytes in our ELF dump is erased" 0 \
		"$PY" "$S/tests/tools/check_erase.py" copies "$tmp/ours.elf" "$v" "$tmp/ranges"
	echo "# ours: $tap_out"
	tap_run "(1) our ELF dump: the erased bytes hold the fill, all else equals the vmcore" 0 \
		"$PY" "$S/tests/tools/check_erase.py" kvcompare "$v" "$tmp/ours.elf" "$tmp/ranges"
	echo "# $tap_out"
fi
debian -E -d 31 -x "$vmlinux" --config "$tmp/erase.conf" "$v" "$tmp/debian.elf" >"$tmp/debian.log" 2>&1
tap_run "Debian's -E ERASEINFO note holds the same text" 0 \
	"$PY" "$S/tests/tools/check_erase.py" note "$tmp/debian.elf" "$v" "$tmp/eraseinfo"
if [ -f "$tmp/ranges" ]; then
	"$PY" "$S/tests/tools/check_erase.py" copies "$tmp/debian.elf" "$v" "$tmp/ranges" >"$tmp/copies" 2>&1
	echo "# Debian's makedumpfile -E: $(cat "$tmp/copies")"
	diffs=$(cmp -l "$tmp/ours.elf" "$tmp/debian.elf" | wc -l)
	left=$(sed -n 's/.*, \([0-9]*\) of them not erased/\1/p' "$tmp/copies")
	# The bytes it left, and the two bytes of PT_NOTE's p_memsz: nothing else.
	tap_check "Debian's -E output differs from ours only there" "$((left + 2))" "$diffs"
fi
tap_done
