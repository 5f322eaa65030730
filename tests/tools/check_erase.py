#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""check_erase.py patch VMCORE VADDR DATAFILE
       Write DATAFILE's bytes at kernel-image address VADDR into VMCORE
       (into every PT_LOAD that holds those physical bytes).
check_erase.py compare VMCORE DUMP RANGES
       Every page libkdumpfile reads from DUMP must equal VMCORE's, except
       the bytes RANGES lists ("VADDR OFFSET SIZE X|0" per line,
       kernel-image addresses), which must read 'X' or zero. Exit 0 when all match.
check_erase.py note ELFDUMP VMCORE INFOFILE
       ELFDUMP's PT_NOTE segment must be VMCORE's followed by one note named
       "ERASEINFO", type 0, whose descriptor is INFOFILE's bytes, padded with
       zeros to 4 bytes. Exit 0 when it is."""
import struct
import sys


def phdrs(path, p_type):
    """(offset, vaddr, paddr, filesz) of each program header of p_type."""
    with open(path, "rb") as f:
        hdr = f.read(64)
        phoff, = struct.unpack_from("<Q", hdr, 32)
        phnum, = struct.unpack_from("<H", hdr, 56)
        f.seek(phoff)
        out = []
        for _ in range(phnum):
            ph = struct.unpack("<IIQQQQQQ", f.read(56))
            if ph[0] == p_type:
                out.append((ph[2], ph[3], ph[4], ph[5]))
        return out


def loads(path):
    return phdrs(path, 1)  # PT_LOAD


def pt_note(path):
    (off, _, _, filesz), = phdrs(path, 4)  # the one PT_NOTE
    with open(path, "rb") as f:
        f.seek(off)
        return f.read(filesz)


def note(elf_dump, vmcore, info_path):
    info = open(info_path, "rb").read()
    want = pt_note(vmcore) + struct.pack("<III", 10, len(info), 0) + b"ERASEINFO\0\0\0"
    want += info + bytes(-len(info) % 4)
    got = pt_note(elf_dump)
    if got != want:
        first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b),
                     min(len(got), len(want)))
        print("PT_NOTE is %d bytes, expected %d; first difference at %d"
              % (len(got), len(want), first))
        return 1
    print("ERASEINFO descsz %d, padded with %d" % (len(info), -len(info) % 4))
    return 0


def image_va_to_pa(segs, va):
    for off, vaddr, paddr, filesz in segs:
        if vaddr >= 0xffffffff80000000 and vaddr <= va < vaddr + filesz:
            return paddr + (va - vaddr)
    raise SystemExit("address %#x is not in the kernel image" % va)


def patch(vmcore, vaddr, datafile):
    segs = loads(vmcore)
    data = open(datafile, "rb").read()
    pa = image_va_to_pa(segs, vaddr)
    done = 0
    with open(vmcore, "r+b") as f:
        for off, _, paddr, filesz in segs:
            if paddr <= pa and pa + len(data) <= paddr + filesz:
                f.seek(off + pa - paddr)
                f.write(data)
                done += 1
    if not done:
        raise SystemExit("no PT_LOAD holds %#x+%#x" % (pa, len(data)))
    return 0


def compare(vmcore, dump_path, ranges_path):
    try:
        import kdumpfile
        import kdumpfile.exceptions
    except ImportError:
        print("kdumpfile module not available")
        return 77
    segs = loads(vmcore)
    erased = {}
    for line in open(ranges_path):
        va, off, size, fill = line.split()
        pa = image_va_to_pa(segs, int(va, 0) + int(off, 0))
        for i in range(int(size, 0)):
            erased[pa + i] = ord("X") if fill == "X" else 0
    src = kdumpfile.kdumpfile(vmcore)
    dump = kdumpfile.kdumpfile(dump_path)
    page = dump.attr["arch.page_size"]
    phys = kdumpfile.KDUMP_MACHPHYSADDR
    erased_pages = {a // page for a in erased}
    bad = kept = 0
    for pfn in range(dump.attr["max_pfn"]):
        try:
            data = dump.read(phys, pfn * page, page)
        except (kdumpfile.exceptions.NoDataException,
                kdumpfile.exceptions.AddressTranslationException):
            if pfn in erased_pages:
                print("pfn %#x with erased data is missing" % pfn)
                bad += 1
            continue
        kept += 1
        want = bytearray(src.read(phys, pfn * page, page))
        if pfn in erased_pages:
            for i in range(page):
                if pfn * page + i in erased:
                    want[i] = erased[pfn * page + i]
        if bytes(want) != data:
            bad += 1
            diff = [i for i in range(page) if want[i] != data[i]]
            print("pfn %#x differs at %d bytes, first at %#x: want %#x got %#x"
                  % (pfn, len(diff), diff[0], want[diff[0]], data[diff[0]]))
    print("kept %d pages, %d erased bytes, %d mismatching pages" % (kept, len(erased), bad))
    return 0 if bad == 0 and kept else 1


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) == 4 and a[0] == "patch":
        sys.exit(patch(a[1], int(a[2], 0), a[3]))
    if len(a) == 4 and a[0] == "compare":
        sys.exit(compare(a[1], a[2], a[3]))
    if len(a) == 4 and a[0] == "note":
        sys.exit(note(a[1], a[2], a[3]))
    print(__doc__)
    sys.exit(2)
