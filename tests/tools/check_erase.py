#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""check_erase.py patch VMCORE VADDR DATAFILE
       Write DATAFILE's bytes at kernel-image address VADDR into VMCORE
       (into every PT_LOAD that holds those physical bytes).
check_erase.py compare VMCORE DUMP RANGES
       Every page libkdumpfile reads from DUMP must equal VMCORE's, except
       the bytes RANGES lists ("VADDR OFFSET SIZE X|0" per line,
       kernel-image addresses), which must read 'X' or zero. Exit 0 when all match.
check_erase.py kvcompare VMCORE DUMP RANGES
       The same for any kernel virtual addresses (module data, vmalloc):
       RANGES lists "KVADDR[+OFFSET] SIZE X|0" per line, translated to physical
       addresses through VMCORE's own page tables (by this script, checked
       against libkdumpfile's reads; never by our code). Each range must have held something other than its fill
       byte in VMCORE, or erasing it would prove nothing.
check_erase.py copies ELFDUMP VMCORE RANGES
       RANGES as for kvcompare: every copy of each erased byte in ELFDUMP's
       PT_LOAD data (a physical page may be in two PT_LOADs) holds the fill.
       Prints how many copies were found and how many were not erased.
check_erase.py note ELFDUMP VMCORE INFOFILE
       ELFDUMP's PT_NOTE segment must be VMCORE's followed by one note named
       "ERASEINFO", type 0, whose descriptor is INFOFILE's bytes, padded with
       zeros to 4 bytes. Exit 0 when it is."""
import struct
import sys


def phdrs(path, p_type, memsz=False):
    """(offset, vaddr, paddr, filesz[, memsz]) of each program header of p_type."""
    with open(path, "rb") as f:
        hdr = f.read(64)
        phoff, = struct.unpack_from("<Q", hdr, 32)
        phnum, = struct.unpack_from("<H", hdr, 56)
        f.seek(phoff)
        out = []
        for _ in range(phnum):
            ph = struct.unpack("<IIQQQQQQ", f.read(56))
            if ph[0] == p_type:
                out.append((ph[2], ph[3], ph[4], ph[5]) + ((ph[6],) if memsz else ()))
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
    return compare_pages(kdumpfile.kdumpfile(vmcore), dump_path, erased)


def x86_64_kvtop(src, va):
    """VA's physical address, walking the 4-level tables from
    SYMBOL(init_top_pgt) (read at its virtual address by libkdumpfile,
    the lower levels physically). x86_64 only: what tests/e2e captures."""
    import kdumpfile
    phys = kdumpfile.KDUMP_MACHPHYSADDR
    table = src.attr["linux.vmcoreinfo.SYMBOL.init_top_pgt"]
    space = kdumpfile.KDUMP_KVADDR
    mask = 0x000ffffffffff000
    for shift in (39, 30, 21, 12):
        entry, = struct.unpack("<Q", src.read(space, table + ((va >> shift) & 511) * 8, 8))
        if not entry & 1:
            raise SystemExit("%#x is not mapped (level %d entry %#x)" % (va, shift, entry))
        if shift in (30, 21) and entry & 0x80:  # a 1 GiB or 2 MiB page
            return (entry & mask & ~((1 << shift) - 1)) | (va & ((1 << shift) - 1))
        table, space = entry & mask, phys
    return table | (va & 0xfff)


def kv_ranges(vmcore, ranges_path):
    """(libkdumpfile handle of VMCORE, {physical address: fill byte},
    number of ranges, number of ranges that held only their fill)."""
    import kdumpfile
    src = kdumpfile.kdumpfile(vmcore)
    src.attr["addrxlat.ostype"] = "linux"
    erased = {}
    ranges = unchanged = 0
    for line in open(ranges_path):
        va, size, fill = line.split()
        va = sum(int(t, 0) for t in va.split("+"))
        size, fill = int(size, 0), ord("X") if fill == "X" else 0
        before = src.read(kdumpfile.KDUMP_KVADDR, va, size)
        if all(b == fill for b in before):
            print("%#x+%d already held only %#x in the vmcore" % (va, size, fill))
            unchanged += 1
        for i in range(size):
            pa = x86_64_kvtop(src, va + i)
            # The walk must agree with libkdumpfile's own translation.
            if src.read(kdumpfile.KDUMP_MACHPHYSADDR, pa, 1)[0] != before[i]:
                raise SystemExit("%#x: the page walk and libkdumpfile disagree" % (va + i))
            erased[pa] = fill
        ranges += 1
    return src, erased, ranges, unchanged


def kvcompare(vmcore, dump_path, ranges_path):
    try:
        import kdumpfile  # noqa: F401
    except ImportError:
        print("kdumpfile module not available")
        return 77
    src, erased, ranges, unchanged = kv_ranges(vmcore, ranges_path)
    print("%d ranges" % ranges, end=", ")
    st = compare_pages(src, dump_path, erased)
    return 1 if unchanged or not ranges else st


def copies(elf_dump, vmcore, ranges_path):
    """An ELF vmcore can hold a physical page twice (x86_64: the kernel
    image's PT_LOAD and the direct map's both cover the image's pages, and
    freed init memory there gets reused for modules): every copy of every
    erased byte in ELF_DUMP's PT_LOAD data must be erased."""
    try:
        import kdumpfile  # noqa: F401
    except ImportError:
        print("kdumpfile module not available")
        return 77
    _, erased, _, _ = kv_ranges(vmcore, ranges_path)
    found = left = 0
    with open(elf_dump, "rb") as f:
        for off, _, paddr, filesz in loads(elf_dump):
            for pa in sorted(a for a in erased if paddr <= a < paddr + filesz):
                f.seek(off + pa - paddr)
                found += 1
                if f.read(1)[0] != erased[pa]:
                    left += 1
    print("%d erased bytes, %d copies in the file, %d of them not erased"
          % (len(erased), found, left))
    return 0 if found >= len(erased) and not left else 1


def memsz_tails(path):
    """[start, end) physical ranges an ELF dump's PT_LOADs hold in p_memsz
    beyond p_filesz: excluded memory, which may read as zeros (see
    compare_elf_dump.py). None for a kdump-compressed dump."""
    with open(path, "rb") as f:
        if f.read(4) != b"\x7fELF":
            return None
    return [(paddr + filesz, paddr + memsz)
            for _, _, paddr, filesz, memsz in phdrs(path, 1, True) if memsz > filesz]


def compare_pages(src, dump_path, erased):
    """Every page DUMP keeps equals SRC's but for the bytes in ERASED
    ({physical address: fill byte}), whose pages must be kept."""
    import kdumpfile
    import kdumpfile.exceptions
    dump = kdumpfile.kdumpfile(dump_path)
    page = dump.attr["arch.page_size"]
    phys = kdumpfile.KDUMP_MACHPHYSADDR
    erased_pages = {a // page for a in erased}
    tails = memsz_tails(dump_path)
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
        if (bytes(want) != data and tails and pfn not in erased_pages and
                data == bytes(page) and
                any(s <= pfn * page and (pfn + 1) * page <= e for s, e in tails)):
            kept -= 1  # excluded memory of an ELF dump, read as zeros
            continue
        if bytes(want) != data:
            bad += 1
            diff = [i for i in range(page) if want[i] != data[i]]
            print("pfn %#x differs at %d bytes, first at %#x: want %#x got %#x"
                  % (pfn, len(diff), diff[0], want[diff[0]], data[diff[0]]))
    print("kept %d pages, %d erased bytes in %d pages, %d mismatching pages"
          % (kept, len(erased), len(erased_pages), bad))
    return 0 if bad == 0 and kept else 1


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) == 4 and a[0] == "patch":
        sys.exit(patch(a[1], int(a[2], 0), a[3]))
    if len(a) == 4 and a[0] == "compare":
        sys.exit(compare(a[1], a[2], a[3]))
    if len(a) == 4 and a[0] == "kvcompare":
        sys.exit(kvcompare(a[1], a[2], a[3]))
    if len(a) == 4 and a[0] == "copies":
        sys.exit(copies(a[1], a[2], a[3]))
    if len(a) == 4 and a[0] == "note":
        sys.exit(note(a[1], a[2], a[3]))
    print(__doc__)
    sys.exit(2)
