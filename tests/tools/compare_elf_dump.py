#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""compare_elf_dump.py VMCORE DUMP: compare_dump.py for ELF dumps (makedumpfile -E).

Every page libkdumpfile reads from DUMP must equal the same page of VMCORE
(also read through libkdumpfile), with one allowance ELF itself makes: a
page inside a PT_LOAD's p_memsz beyond its p_filesz holds excluded memory
and reads as zeros (libkdumpfile reports most such pages as missing, but
some as zeros). Pages of the file data (p_filesz) must always match.

Prints "kept K excluded E zero-filled Z mismatches M" and exits 0 when M is
0, 1 when not, 77 when the Python binding (python3-libkdumpfile) is missing.
"""
import struct
import sys

try:
    import kdumpfile
    import kdumpfile.exceptions
except ImportError:
    print("kdumpfile module not available")
    sys.exit(77)


def tails(path):
    """[start, end) physical ranges of p_memsz beyond p_filesz, and file-data ranges."""
    with open(path, "rb") as f:
        eh = f.read(64)
        phoff, = struct.unpack_from("<Q", eh, 32)
        phnum, = struct.unpack_from("<H", eh, 56)
        f.seek(phoff)
        ph = f.read(56 * phnum)
    tail, data = [], []
    for i in range(phnum):
        p_type, _, _, _, paddr, filesz, memsz, _ = struct.unpack_from("<IIQQQQQQ", ph, 56 * i)
        if p_type == 1:
            data.append((paddr, paddr + filesz))
            tail.append((paddr + filesz, paddr + memsz))
    return tail, data


def inside(ranges, start, end):
    return any(a <= start and end <= b for a, b in ranges)


def main(vmcore_path, dump_path):
    src = kdumpfile.kdumpfile(vmcore_path)
    dump = kdumpfile.kdumpfile(dump_path)
    tail, data = tails(dump_path)
    page = dump.attr["arch.page_size"]
    phys = kdumpfile.KDUMP_MACHPHYSADDR
    kept = excluded = zero_filled = bad = 0
    for pfn in range(dump.attr["max_pfn"]):
        start, end = pfn * page, pfn * page + page
        try:
            got = dump.read(phys, start, page)
        except (kdumpfile.exceptions.NoDataException,
                kdumpfile.exceptions.AddressTranslationException):
            excluded += 1
            continue
        try:
            want = src.read(phys, start, page)
        except Exception as e:
            bad += 1
            print("pfn %#x: in the dump but not readable in the vmcore: %s" % (pfn, e))
            continue
        if got != want and got == bytes(page) and inside(tail, start, end) \
                and not inside(data, start, end):
            zero_filled += 1
            continue
        kept += 1
        if got != want:
            bad += 1
            if bad <= 10:
                print("pfn %#x differs" % pfn)
    print("kept %d excluded %d zero-filled %d mismatches %d" % (kept, excluded, zero_filled, bad))
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
