#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""bitmap-diff.py [--max N] A B: explain how two kdump-compressed dumps
(makedumpfile output, e.g. ours and Debian's of the same vmcore) differ.

Layout (docs: ../shared/reference/makedumpfile.md section 1): the
disk_dump_header at 0, the kdump_sub_header at block_size, the notes after
it, the 1st bitmap at (1 + sub_hdr_size) * block_size, the 2nd bitmap
half the bitmap area later (each half bitmap_blocks * block_size / 2), then
24-byte page descriptors in pfn order for every set bit of the 2nd bitmap,
then the page data.

Reports, in this order: differing header and sub-header fields, differing
note bytes, pfns set in only one 1st bitmap and in only one 2nd bitmap (as
ranges), and when the 2nd bitmaps agree, the first pfns whose descriptor
(size, flags) or stored data differ. Prints "identical" and exits 0 when
the files are byte for byte equal, exits 1 when they differ, 2 on errors.
"""
import struct
import sys

HEADER_FIELDS = [  # name, offset, struct format
    ("signature", 0, "8s"), ("header_version", 8, "<i"),
    ("utsname", 12, "390s"), ("timestamp.tv_sec", 408, "<q"),
    ("timestamp.tv_usec", 416, "<q"), ("status", 424, "<I"),
    ("block_size", 428, "<i"), ("sub_hdr_size", 432, "<i"),
    ("bitmap_blocks", 436, "<I"), ("max_mapnr", 440, "<I"),
    ("total_ram_blocks", 444, "<I"), ("device_blocks", 448, "<I"),
    ("written_blocks", 452, "<I"), ("current_cpu", 456, "<I"),
    ("nr_cpus", 460, "<i"),
]
SUB_FIELDS = [
    ("phys_base", 0, "<Q"), ("dump_level", 8, "<i"), ("split", 12, "<i"),
    ("start_pfn", 16, "<Q"), ("end_pfn", 24, "<Q"),
    ("offset_vmcoreinfo", 32, "<Q"), ("size_vmcoreinfo", 40, "<Q"),
    ("offset_note", 48, "<Q"), ("size_note", 56, "<Q"),
    ("offset_eraseinfo", 64, "<Q"), ("size_eraseinfo", 72, "<Q"),
    ("start_pfn_64", 80, "<Q"), ("end_pfn_64", 88, "<Q"),
    ("max_mapnr_64", 96, "<Q"),
]


class Dump:
    def __init__(self, path):
        self.path = path
        self.f = open(path, "rb")
        self.f.seek(0, 2)
        self.size = self.f.tell()
        head = self.read(0, 464)
        if len(head) < 464 or head[:8] != b"KDUMP   ":
            raise ValueError("%s: not a kdump-compressed file" % path)
        self.h = {n: struct.unpack_from(fmt, head, off)[0] for n, off, fmt in HEADER_FIELDS}
        self.bs = self.h["block_size"]
        if self.bs not in (4096, 8192, 16384, 65536):
            raise ValueError("%s: block_size %d" % (path, self.bs))
        sub = self.read(self.bs, 104)
        self.s = {n: struct.unpack_from(fmt, sub, off)[0] for n, off, fmt in SUB_FIELDS}
        self.max_mapnr = self.s["max_mapnr_64"] or self.h["max_mapnr"]
        self.bitmap_off = (1 + self.h["sub_hdr_size"]) * self.bs
        self.half = self.h["bitmap_blocks"] * self.bs // 2
        self.bitmap1 = self.read(self.bitmap_off, self.half)
        self.bitmap2 = self.read(self.bitmap_off + self.half, self.half)
        self.desc_off = self.bitmap_off + 2 * self.half
        self._rank = None

    def read(self, off, size):
        self.f.seek(off)
        return self.f.read(size)

    def rank(self):
        """Prefix counts of set bits in the 2nd bitmap, per byte."""
        if self._rank is None:
            pop = [bin(i).count("1") for i in range(256)]
            r, n = [], 0
            for b in self.bitmap2:
                r.append(n)
                n += pop[b]
            self._rank = (r, n)
        return self._rank

    def desc(self, pfn):
        """(offset, size, flags, page_flags) of pfn, or None if not dumped."""
        byte, bit = pfn >> 3, pfn & 7
        if byte >= len(self.bitmap2) or not (self.bitmap2[byte] >> bit) & 1:
            return None
        r, _ = self.rank()
        idx = r[byte] + bin(self.bitmap2[byte] & ((1 << bit) - 1)).count("1")
        return struct.unpack("<qIIQ", self.read(self.desc_off + 24 * idx, 24))


def ranges(pfns):
    """Sorted pfns -> [(first, last)]."""
    out = []
    for p in pfns:
        if out and out[-1][1] == p - 1:
            out[-1][1] = p
        else:
            out.append([p, p])
    return out


def bits_only_in(x, y, limit):
    """pfns whose bit is set in bitmap x but not in y (up to limit bits)."""
    out = []
    n = min(len(x), len(y))
    for i in range(n):
        d = x[i] & ~y[i] & 0xff
        if d:
            for bit in range(8):
                if (d >> bit) & 1:
                    out.append(i * 8 + bit)
    for i in range(n, len(x)):
        for bit in range(8):
            if (x[i] >> bit) & 1:
                out.append(i * 8 + bit)
    return out[:limit] if limit else out


def report_bits(name, x, y, a, b, maxr):
    diff = False
    for label, p, q in (("only in A", x, y), ("only in B", y, x)):
        pfns = bits_only_in(p, q, 0)
        if not pfns:
            continue
        diff = True
        rs = ranges(pfns)
        print("%s: %d pfns set %s (%d ranges):" % (name, len(pfns), label, len(rs)))
        for lo, hi in rs[:maxr]:
            if lo == hi:
                print("  pfn %#x" % lo)
            else:
                print("  pfn %#x-%#x (%d pages)" % (lo, hi, hi - lo + 1))
        if len(rs) > maxr:
            print("  ... %d more ranges" % (len(rs) - maxr))
    return diff


def main(argv):
    maxr = 40
    if len(argv) > 2 and argv[1] == "--max":
        maxr = int(argv[2])
        argv = argv[:1] + argv[3:]
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[0])
        return 2
    try:
        a, b = Dump(argv[1]), Dump(argv[2])
    except (OSError, ValueError) as e:
        print("bitmap-diff: %s" % e)
        return 2
    print("A = %s (%d bytes)\nB = %s (%d bytes)" % (a.path, a.size, b.path, b.size))
    differ = a.size != b.size
    for n, _, _ in HEADER_FIELDS:
        if a.h[n] != b.h[n]:
            differ = True
            print("header %s: A %r B %r" % (n, a.h[n], b.h[n]))
    for n, _, _ in SUB_FIELDS:
        if a.s[n] != b.s[n]:
            differ = True
            print("sub header %s: A %r B %r" % (n, a.s[n], b.s[n]))
    # Everything between the sub header and the bitmaps: notes and padding.
    start = a.bs + 104
    na = a.read(start, a.bitmap_off - start)
    nb = b.read(start, b.bitmap_off - start)
    if na != nb:
        differ = True
        idx = [i for i in range(min(len(na), len(nb))) if na[i] != nb[i]]
        if idx:
            print("notes area: %d bytes differ, first at file offset %#x (note offset %#x), last at %#x"
                  % (len(idx), start + idx[0], idx[0], start + idx[-1]))
            for lo, hi in ranges(idx)[:maxr]:
                print("  bytes %#x-%#x: A %s B %s" % (start + lo, start + hi,
                      na[lo:hi + 1][:16].hex(), nb[lo:hi + 1][:16].hex()))
        if len(na) != len(nb):
            print("notes area: A %d bytes, B %d bytes" % (len(na), len(nb)))
    print("max_mapnr A %#x B %#x; dumpable pages A %d B %d"
          % (a.max_mapnr, b.max_mapnr, a.rank()[1], b.rank()[1]))
    bdiff = report_bits("1st bitmap", a.bitmap1, b.bitmap1, a, b, maxr)
    bdiff |= report_bits("2nd bitmap", a.bitmap2, b.bitmap2, a, b, maxr)
    differ |= bdiff
    if not bdiff:
        # Same pages: find the first whose descriptor or data differ.
        shown = 0
        zero_a = zero_b = None
        for byte, v in enumerate(a.bitmap2):
            if not v:
                continue
            for bit in range(8):
                if not (v >> bit) & 1:
                    continue
                pfn = byte * 8 + bit
                da, db = a.desc(pfn), b.desc(pfn)
                same_desc = da[1:] == db[1:]
                same_data = same_desc and a.read(da[0], da[1]) == b.read(db[0], db[1])
                if not same_data:
                    differ = True
                    shown += 1
                    if shown <= maxr:
                        print("pfn %#x: A desc(offset %#x size %d flags %#x page_flags %#x) "
                              "B desc(offset %#x size %d flags %#x page_flags %#x)%s"
                              % ((pfn,) + tuple(da) + tuple(db) +
                                 ("" if not same_desc else ", same size and flags, data differ",)))
            if shown > maxr * 4:
                break
        if shown:
            print("%s%d dumped pages differ in descriptor or data"
                  % ("at least " if shown > maxr * 4 else "", shown))
    if not differ:
        # Same structure; any remaining difference is a byte somewhere.
        with open(a.path, "rb") as fa, open(b.path, "rb") as fb:
            off = 0
            while True:
                ca, cb = fa.read(1 << 20), fb.read(1 << 20)
                if ca != cb:
                    i = next((k for k in range(min(len(ca), len(cb))) if ca[k] != cb[k]),
                             min(len(ca), len(cb)))
                    print("first differing byte at file offset %#x" % (off + i))
                    differ = True
                    break
                if not ca:
                    break
                off += len(ca)
    if not differ:
        print("identical")
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
