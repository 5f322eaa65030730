#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# seeds.sh SRCDIR BUILDDIR: (re)make the seed corpora of the harnesses in
# BUILDDIR/tests/fuzz/seeds/<harness>/ from the test data and the
# generators, plus the committed inputs in SRCDIR/tests/fuzz/regressions/<harness>/
# (small regression inputs of past findings). Nothing binary is committed
# besides those: vmcores, dumps and images are generated here.
set -eu
S=$1
B=$2
D=$B/tests/fuzz/seeds
T=$D/tmp
rm -rf "$D"
for h in vmcoreinfo elf_core printk diskdump flattened iomem cmdline image purgatory \
	kdump_conf sysconfig; do
	mkdir -p "$D/$h"
	if [ -d "$S/tests/fuzz/regressions/$h" ]; then
		cp "$S/tests/fuzz/regressions/$h"/* "$D/$h/" 2>/dev/null || :
	fi
done
mkdir -p "$T"

# Text inputs: the test data as they are.
for f in "$S"/tests/data/vmcoreinfo/*.txt; do cp "$f" "$D/vmcoreinfo/"; done
n=0
for r in "$S"/tests/data/roots/*/; do
	n=$((n + 1))
	[ -f "$r/proc/iomem" ] && cp "$r/proc/iomem" "$D/iomem/iomem-$n"
	[ -f "$r/proc/cmdline" ] && cp "$r/proc/cmdline" "$D/cmdline/cmdline-$n"
	[ -f "$r/etc/kdump.conf" ] && cp "$r/etc/kdump.conf" "$D/kdump_conf/conf-$n"
	[ -f "$r/etc/sysconfig/kdump" ] && cp "$r/etc/sysconfig/kdump" "$D/sysconfig/sysconfig-$n"
done
cp "$S/kdumpctl/kdump.conf" "$D/kdump_conf/kdump.conf"
for f in "$S"/kdumpctl/kdump.sysconfig.*; do cp "$f" "$D/sysconfig/"; done

# Vmcores with each log layout, made compact: their notes and the pages
# vmcore-dmesg reads. They seed both the ELF reader and the printk reader.
for layout in "kernel = 6.1|printk = lockless|printk_count_bits = 4" \
	"kernel = 4.19|printk = structured|printk_size_bits = 9" \
	"kernel = 5.10|printk = structured|printk_caller = 1" \
	"kernel = 4.19|printk = legacy|printk_size_bits = 9"; do
	n=$((n + 1))
	{
		echo "ram = 0x1000-0x9f000, 0x100000-0x2000000"
		echo "default_fill = zero"
		echo "kernel_size = 0x400000"
		echo "$layout" | tr '|' '\n'
		echo 'log 0.5 caller=T0 "first message"'
		echo 'log 1.25 caller=T42 "multi\nline message, a little longer"'
		echo 'log 1.5 dataless "no data block"'
		echo 'log 2.0 caller=C1 "bytes: \x01\x7f\x80\xff tab\there"'
	} >"$T/$n.spec"
	"$B/tests/gen/mkvmcore" "$T/$n.spec" "$T/$n.vmcore"
	"$B/tests/fuzz/mkseed" vmcore "$T/$n.vmcore" "$D/printk/vmcore-$n"
	cp "$D/printk/vmcore-$n" "$D/elf_core/vmcore-$n"
	rm -f "$T/$n.vmcore"
done

# Small kdump-compressed dumps, each compression; flattened copies, the
# uncompressed one from a dump with text in every page (records longer
# than the reader's 64 KiB copy chunk; mkseed.c, dd_steps).
for m in none zlib lzo zstd; do
	"$B/tests/fuzz/mkseed" diskdump $m "$D/diskdump/dump-$m"
	"$B/tests/fuzz/mkseed" flatten "$D/diskdump/dump-$m" "$D/flattened/flat-$m"
done
"$B/tests/fuzz/mkseed" diskdump none "$T/dump-full" full
"$B/tests/fuzz/mkseed" flatten "$T/dump-full" "$D/flattened/flat-none"

# Kernel images of both architectures, and the real purgatories. The
# LoongArch kernels ask for 32 KiB, not mkloongimage's 256 KiB: the
# purgatory digest hashes each segment's zero tail, and 230 KiB of zeros
# per load were half of the image harness's time.
"$B/tests/tools/mkbzimage" "$D/image/bzImage"
"$B/tests/tools/mkloongimage" pe "$D/image/loongarch.pe" --image-size=0x8000
"$B/tests/tools/mkloongimage" elf "$D/image/loongarch.elf" --image-size=0x8000
"$B/tests/tools/mkloongimage" zboot "$D/image/loongarch.zboot" "$D/image/loongarch.pe"
for p in x86_64 loongarch64; do
	f=$B/arch/$p/purgatory/purgatory.ro
	[ -f "$f" ] && cp "$f" "$D/purgatory/purgatory-$p.ro"
done
rm -rf "$T"
