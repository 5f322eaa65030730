#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# vmcore-dmesg on synthetic vmcores (tests/gen/mkvmcore with printk logs):
# the three log layouts, wrapped rings, buffers in the image, in memblock
# and in vmalloc space (page-table walk), compared byte for byte with text
# written here; the exit codes; and, when Debian's kexec-tools is
# installed, byte-for-byte agreement with its /usr/sbin/vmcore-dmesg.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
. "${KX_SRCDIR:-.}/tests/lib/printk_core.sh"

B=${KX_BUILDDIR:-.}
VD=$B/vmcore-dmesg/vmcore-dmesg
GEN=$B/tests/gen/mkvmcore
DEBIAN_VD=${KX_DEBIAN_VMCORE_DMESG:-/usr/sbin/vmcore-dmesg}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
TAB=$(printf '\t')

# The messages every vmcore logs, oldest first.
cat >"$OUT/logs" <<'EOF'
log 0.000000 caller=T0 "Linux version 6.1.0-18-amd64"
log 0.001234 caller=T0 "Command line: BOOT_IMAGE=/vmlinuz root=/dev/vda1 # not a comment"
log 1.5 caller=T1 "multi\nline text"
log caller=C3 "bytes: \x01\x7f\x80\xff tab\there"
log ""
log 12.345678 dataless "no data block"
EOF
i=1
while [ $i -le 25 ]; do
	echo "log $((i + 20)).000001 caller=T$i \"message number $i with some padding text\"" >>"$OUT/logs"
	i=$((i + 1))
done
echo 'log 99.999999 caller=C0 "sysrq: Trigger a crash"' >>"$OUT/logs"

# Expected lines: the first six messages (head -N of them) ...
head6() {
	printf '%s\n' "[    0.000000] Linux version 6.1.0-18-amd64" \
		"[    0.001234] Command line: BOOT_IMAGE=/vmlinuz root=/dev/vda1 # not a comment" \
		"[    1.500000] multi" "line text" \
		"[    1.500001] bytes: \\x01\\x7f\\x80\\xff tab${TAB}here" \
		"[    1.500002] " "[   12.345678] "
}
# ... and "message number FIRST..25" plus the crash.
tail_from() {
	i=$1
	while [ $i -le 25 ]; do
		printf '[%5d.000001] %smessage number %d with some padding text\n' $((i + 20)) "${2:-}" $i
		i=$((i + 1))
	done
	printf '[   99.999999] %ssysrq: Trigger a crash\n' "${2:-}"
}

# case NAME: run vmcore-dmesg on NAME.vmcore, compare with NAME.want.
check_case() {
	name=$1
	"$VD" "$OUT/$name.vmcore" >"$OUT/$name.out" 2>"$OUT/$name.err"
	tap_check "$name: exit status" 0 $?
	if cmp -s "$OUT/$name.want" "$OUT/$name.out"; then
		tap_ok "$name: output is byte for byte as expected"
	else
		tap_not_ok "$name: output is byte for byte as expected" \
			"$(diff -u "$OUT/$name.want" "$OUT/$name.out" | head -20)" "$(cat "$OUT/$name.err")"
	fi
}

# 6.1 lockless ring, 4 KiB of text, 32 descriptors: nothing lost.
make_core lockless "printk = lockless" "printk_count_bits = 5"
{ head6; tail_from 1; } >"$OUT/lockless.want"
check_case lockless

# 16 descriptors: the descriptor ring wrapped, tail id > 0.
make_core desc-wrap "printk = lockless" "printk_count_bits = 4"
tail_from 11 >"$OUT/desc-wrap.want"
check_case desc-wrap

# 512 bytes of text: the data ring wrapped, old records reusable.
make_core data-wrap "printk = lockless" "printk_size_bits = 9" "printk_count_bits = 4"
tail_from 18 >"$OUT/data-wrap.want"
check_case data-wrap

# log_buf_len=: buffers in memblock, read through the direct-map PT_LOADs.
make_core memblock "kernel = 5.10" "printk = lockless" "printk_buf = memblock" \
	"printk_size_bits = 10"
# The data-less record keeps its descriptor: no data block was overwritten.
{ echo "[   12.345678] "; tail_from 9; } >"$OUT/memblock.want"
check_case memblock

# Buffers no PT_LOAD covers: the page-table walk (4- and 5-level).
make_core vmalloc "printk = lockless" "printk_buf = vmalloc" "printk_size_bits = 10"
cp "$OUT/memblock.want" "$OUT/vmalloc.want"
check_case vmalloc
make_core vmalloc-l5 "kernel = 6.12" "l5 = 1" "printk = lockless" "printk_buf = vmalloc" \
	"printk_size_bits = 10"
cp "$OUT/memblock.want" "$OUT/vmalloc-l5.want"
check_case vmalloc-l5

# 3.5-5.9 records; all fit, then a wrapped log with its len == 0 marker,
# which vmcore-dmesg prints as an empty record.
make_core structured "kernel = 4.19" "printk = structured"
{ head6; tail_from 1; } >"$OUT/structured.want"
check_case structured
make_core structured-wrap "kernel = 4.19" "printk = structured" "printk_size_bits = 9"
{ tail_from 19 | sed -n 1,2p; echo "[    0.000000] "; tail_from 21; } >"$OUT/structured-wrap.want"
check_case structured-wrap
make_core structured-caller "kernel = 5.10" "printk = structured" "printk_caller = 1" \
	"printk_buf = memblock" "printk_size_bits = 10"
{ tail_from 11 | sed -n 1,2p; echo "[    0.000000] "; tail_from 13; } \
	>"$OUT/structured-caller.want"
check_case structured-caller

# Before 3.5: the raw text, "<6>" prefixes included, cut mid-line by the wrap.
make_core legacy "kernel = 4.19" "printk = legacy" "printk_size_bits = 9"
tail_from 18 '' | sed 's/^/<6>/' | tail -c 512 >"$OUT/legacy.want"
check_case legacy

# Messages from a dmesg file (time stamps as vmcore-dmesg prints them).
printf '[    0.000000] Linux version 5.10.0\n[    2.5] second\nno stamp: 1 us later\n' \
	>"$OUT/boot.dmesg"
printf 'ram = 0x1000-0x8000000\ndefault_fill = zero\nkernel = 5.10\nprintk = lockless\ndmesg = boot.dmesg\nlog caller=C1 "last"\n' \
	>"$OUT/dmesg-file.spec"
"$GEN" "$OUT/dmesg-file.spec" "$OUT/dmesg-file.vmcore"
printf '%s\n' "[    0.000000] Linux version 5.10.0" "[    2.500000] second" \
	"[    2.500001] no stamp: 1 us later" "[    2.500002] last" >"$OUT/dmesg-file.want"
check_case dmesg-file

# Exit codes and messages.
tap_run "no argument: usage, exit 1" 1 "$VD"
tap_match "no argument: says what is missing" "missing VMCORE" "$tap_err"
tap_run "a missing file: exit 2" 2 "$VD" "$OUT/no-such.vmcore"
tap_match "a missing file: one line naming it" "^vmcore-dmesg: .*no-such.vmcore" "$tap_err"
printf 'not an ELF file at all, just text\n' >"$OUT/text"
tap_run "not an ELF file: exit 10" 10 "$VD" "$OUT/text"
printf 'ram = 0x1000-0x9f000, 0x100000-0x8000000\ndefault_fill = zero\n' >"$OUT/noprintk.spec"
"$GEN" "$OUT/noprintk.spec" "$OUT/noprintk.vmcore"
tap_run "no printk keys: exit 50" 50 "$VD" "$OUT/noprintk.vmcore"
tap_match "no printk keys: says so" "^vmcore-dmesg: VMCOREINFO has no SYMBOL\(prb\)" "$tap_err"
head -c 65536 "$OUT/lockless.vmcore" >"$OUT/truncated.vmcore"
tap_run "a truncated vmcore: exit 10" 10 "$VD" "$OUT/truncated.vmcore"
tap_match "a truncated vmcore: names the file" "truncated.vmcore" "$tap_err"
tap_run "help lists the exit codes" 0 "$VD" --help
tap_match "help lists the exit codes" "60 corrupt log" "$tap_out"

# Debian's vmcore-dmesg (kexec-tools 2.0.25) must print the same bytes on
# every vmcore it can read (it has no page-table walk: vmalloc is ours only).
if [ ! -x "$DEBIAN_VD" ]; then
	tap_skip "Debian's vmcore-dmesg agrees" "$DEBIAN_VD not installed"
else
	for name in lockless desc-wrap data-wrap memblock structured structured-wrap \
		    structured-caller legacy dmesg-file; do
		"$DEBIAN_VD" "$OUT/$name.vmcore" >"$OUT/$name.debian" 2>&1
		if cmp -s "$OUT/$name.debian" "$OUT/$name.out"; then
			tap_ok "$name: identical to Debian's vmcore-dmesg"
		else
			tap_not_ok "$name: identical to Debian's vmcore-dmesg" \
				"$(diff -u "$OUT/$name.debian" "$OUT/$name.out" | head -20)"
		fi
	done
	"$DEBIAN_VD" "$OUT/vmalloc.vmcore" >/dev/null 2>&1
	tap_check "vmalloc: Debian's vmcore-dmesg cannot read it (exit 30)" 30 $?
fi
tap_done
