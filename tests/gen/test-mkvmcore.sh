#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The vmcore generator: build every example, check the ELF structure with
# readelf, read the kernel structures back through common/elf_core and an
# independent page-table walk (vmcore-probe), check the oracle, reject bad
# descriptions, and, when Debian's makedumpfile is installed, compare what it
# keeps with the oracle (the strongest evidence the generator is faithful).
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"

GEN=${KX_BUILDDIR:-.}/tests/gen/mkvmcore
PROBE=${KX_BUILDDIR:-.}/tests/gen/vmcore-probe
EX=${KX_SRCDIR:-.}/tests/gen/examples
CHECK=${KX_SRCDIR:-.}/tests/gen/check-dump.py
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# Value of "key = value" in a spec (comments stripped).
spec_get() {
	sed -n "s/#.*//; s/^$2[[:space:]]*=[[:space:]]*//p" "$1" | sed 's/[[:space:]]*$//'
}

# The _mapcount of a free block's head, per generation.
buddy_value() {
	case $1 in
	6.12) echo f0000000 ;;
	*) echo ffffff7f ;;
	esac
}

# What the probe checks in each example: the head of a free block and its
# order, and a hugetlb page [start, end) (the probe reads its first tail).
probe_pfns() {
	case $1 in
	loongarch64-*-64k*) echo 0x9080 7 0x9040 0x9060 ;;
	loongarch64-*-4k*) echo 0x90400 10 0x90200 0x90400 ;;
	loongarch64-*) echo 0x24400 9 0x24200 0x24400 ;;
	*) echo 0x2200 9 0x2400 0x2600 ;;
	esac
}
# The kernel text's virtual address: __START_KERNEL_map or the DMW window.
text_va_re() {
	case $1 in
	loongarch64) echo '0x900000000[0-9a-f]{7}' ;;
	*) echo '0xffffffff[89a-f]' ;;
	esac
}

check_example() {
	spec=$1 name=$(basename "$1" .spec)
	kernel=$(spec_get "$spec" kernel) cpus=$(spec_get "$spec" cpus)
	arch=$(spec_get "$spec" arch) levels=$(spec_get "$spec" levels)
	set -- $(probe_pfns "$name")
	free=$1 order=$2 huge=$(printf '%#x' $(($3 + 1))) huge_start=$3 huge_end=$4
	nram=$(spec_get "$spec" ram | tr ',' '\n' | grep -c .)
	core=$OUT/$name.vmcore expect=$OUT/$name.expect
	tap_run "$name: mkvmcore" 0 "$GEN" "$spec" "$core" "$expect"
	notes=$(readelf -n "$core" 2>&1)
	tap_check "$name: one NT_PRSTATUS per CPU" "${cpus:-1}" \
		"$(printf '%s\n' "$notes" | grep -c 'CORE.*NT_PRSTATUS')"
	tap_match "$name: VMCOREINFO note" 'VMCOREINFO +0x[0-9a-f]+' "$notes"
	phdrs=$(readelf -l -W "$core" 2>&1)
	tap_check "$name: one PT_NOTE" 1 "$(printf '%s\n' "$phdrs" | grep -c '^ *NOTE ')"
	tap_check "$name: kernel text + one PT_LOAD per RAM range" $((nram + 1)) \
		"$(printf '%s\n' "$phdrs" | grep -c '^ *LOAD ')"
	tap_match "$name: first PT_LOAD is the kernel text" \
		"^ *LOAD +0x[0-9a-f]+ $(text_va_re "$arch")" \
		"$(printf '%s\n' "$phdrs" | grep '^ *LOAD' | head -1)"
	# LoongArch's level count is not in the vmcore: the probe is told.
	tap_run "$name: probe reads utsname and struct pages" 0 \
		"$PROBE" ${levels:+--levels $levels} "$core" $free $huge
	[ "$arch" = loongarch64 ] &&
		tap_match "$name: probe walks ${levels:-3} levels" "^levels: ${levels:-3}\$" "$tap_out"
	tap_match "$name: utsname release via page tables" "^release: $kernel\\." "$tap_out"
	tap_match "$name: utsname machine" "^machine: $arch\$" "$tap_out"
	tap_match "$name: free block head: order $order, buddy type" \
		"^pfn $free .* private $(printf '%#x' "$order") mapcount 0x$(buddy_value "$kernel") " "$tap_out"
	tap_match "$name: hugetlb tail points at its head" \
		"^pfn $huge page 0x([0-9a-f]+)40 .* head 0x\\1[0]1 " "$tap_out"
	tap_match "$name: oracle lists the free block" \
		"^$free $(printf '%#x' $(($free + (1 << $order)))) free " "$(cat "$expect")"
	tap_match "$name: oracle lists hugetlb as user data" \
		"^$huge_start $huge_end user " "$(cat "$expect")"
}

for spec in "$EX"/*.spec; do
	check_example "$spec"
done

# Bad descriptions fail with the line at fault.
bad() {
	printf 'arch = x86_64\nram = 0x1000-0x4000000\n%s\n' "$2" >"$OUT/bad.spec"
	tap_run "rejects $1" 1 "$GEN" "$OUT/bad.spec" "$OUT/bad.vmcore"
	tap_match "rejects $1: message" "$3" "$tap_err"
}
bad "overlapping pages" "page 0x2000-0x2010 cache
page 0x200f anon" 'line 4: page range overlaps'
bad "a misaligned compound page" "page 0x2001-0x2009 anon_compound order=3" 'line 3: range must be aligned'
bad "an unknown class" "page 0x2000 weird" 'line 3: unknown page class: weird'
bad "offline on 4.19" "kernel = 4.19
page 0x2000 offline" 'line 4: this kernel has no PageOffline'
bad "pages outside RAM" "page 0x5000 cache" 'line 3: page range is not all RAM'
bad "an inclusive-looking range" "page 0x2200-0x23ff free order=9" 'line 3: range must be aligned'
bad "x86_64 with 16 KiB pages" "page_size = 16384" 'x86_64 kernels have no 16 KiB pages'
bad "a free block past MAX_ORDER" "page 0x2000-0x2800 free order=11" \
	'line 3: free blocks have order 0\.\.10 \(LENGTH\(zone\.free_area\) = 11\)'
bad "loongarch64 with phys_base" "arch = loongarch64
phys_base = 0x1000000" 'phys_base and page_offset do not apply to loongarch64'
bad "loongarch64 with 8 KiB pages" "arch = loongarch64
page_size = 8192" 'loongarch64 kernels have no 8 KiB pages'
bad "loongarch64 with 4 levels of 16 KiB pages" "arch = loongarch64
levels = 4" 'no LoongArch kernel has 4 levels of 16 KiB pages \(Kconfig: 2 or 3\)'
bad "loongarch64 with 2 levels of 4 KiB pages" "arch = loongarch64
page_size = 4096
levels = 2" 'no LoongArch kernel has 2 levels of 4 KiB pages \(Kconfig: 3 or 4\)'
bad "x86_64 with levels" "levels = 5" 'line 3: levels must be 2, 3 or 4'
bad "x86_64 with levels = 4" "levels = 4" 'levels does not apply to x86_64'

# Cross-check with the real makedumpfile: the kernels its version knows
# (Debian 12 ships 1.7.2, which predates the 6.3+ folio and page-type changes).
# Not loongarch64: makedumpfile is built for one target arch, and the x86_64
# build refuses a LoongArch vmcore ("vtop4_x86_64: Can't get the symbol of
# init_level4_pgt/init_top_pgt"), so there it is no oracle.
if ! command -v makedumpfile >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
	tap_skip "makedumpfile agrees with the oracle" "makedumpfile or python3 not installed"
else
	for run in x86_64-4.19:31 x86_64-4.19:0 x86_64-5.10:31 \
		   x86_64-6.1:31 x86_64-6.1:0 x86_64-6.1:1 x86_64-6.1:2 x86_64-6.1:4 \
		   x86_64-6.1:8 x86_64-6.1:16; do
		name=${run%:*} level=${run#*:}
		rm -f "$OUT/dump"
		if makedumpfile -d $level "$OUT/$name.vmcore" "$OUT/dump" >"$OUT/mdf.log" 2>&1; then
			tap_run "$name -d $level: makedumpfile keeps what the oracle says" 0 \
				python3 "$CHECK" "$OUT/$name.expect" "$OUT/dump"
		else
			tap_not_ok "$name -d $level: makedumpfile accepts the vmcore" \
				"$(tail -3 "$OUT/mdf.log")"
		fi
	done
fi
tap_done
