#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""check_split.py UNSPLIT SPLIT1 SPLIT2...: check the headers of --split files
against the unsplit dump made with the same options, reading the format
directly (independent of our reader):

- the disk_dump_header is the unsplit one's;
- the sub header too, but split = 1, start_pfn/end_pfn (32-bit clamped) and
  start_pfn_64/end_pfn_64 give the file's range, and the ranges tile
  [0, max_mapnr) in order;
- the 1st and 2nd bitmaps are the unsplit ones' except (1st bitmap only)
  the partial last page of a PT_LOAD, which upstream marks only when it
  builds both bitmaps in one go, never with --split;
- the descriptors of the file's pages start at index 0 of the same
  descriptor area (sized for all pages), so the data area and zero page
  are at the unsplit offset; each descriptor points into the data area;
- descriptors past the file's own are zero.

Prints "FILE pages N" per file (its dumpable pages) and exits 0, or prints
what is wrong and exits 1.
"""
import struct
import sys


def parse(path):
    d = open(path, "rb").read()
    bs = struct.unpack_from("<i", d, 428)[0]
    shs, bb = struct.unpack_from("<iI", d, 432)
    sub = struct.unpack_from("<QiiQQQQQQQQQQQ", d, bs)
    half = bb * bs // 2
    b1 = d[(1 + shs) * bs:(1 + shs) * bs + half]
    b2 = d[(1 + shs) * bs + half:(1 + shs) * bs + 2 * half]
    return dict(d=d, bs=bs, desc=(1 + shs + bb) * bs, sub=sub, b1=b1, b2=b2,
                max_mapnr=sub[13])


def bits(bm, start, end):
    return sum(1 for p in range(start, end) if bm[p >> 3] >> (p & 7) & 1)


def main(unsplit, splits):
    u = parse(unsplit)
    total = bits(u["b2"], 0, u["max_mapnr"])
    data_off = u["desc"] + 24 * total
    nxt, bad = 0, []
    for path in splits:
        f = parse(path)
        sub = f["sub"]
        start, end = sub[11], sub[12]
        if f["d"][:464] != u["d"][:464]:
            bad.append("%s: disk_dump_header differs" % path)
        want = list(u["sub"])
        want[2:5] = [1, min(start, 0xffffffff), min(end, 0xffffffff)]
        want[11:13] = [start, end]
        if list(sub) != want:
            bad.append("%s: sub header %s, want %s" % (path, sub, want))
        if start != nxt or end < start:
            bad.append("%s: range %#x-%#x does not follow %#x" % (path, start, end, nxt))
        nxt = end
        if f["b2"] != u["b2"]:
            bad.append("%s: 2nd bitmap differs" % path)
        diff = [i for i in range(len(f["b1"])) if f["b1"][i] != u["b1"][i]]
        for i in diff:
            if f["b1"][i] & ~u["b1"][i] & 0xff:
                bad.append("%s: 1st bitmap byte %d has bits the unsplit lacks" % (path, i))
        n = bits(f["b2"], start, end)
        for k in range(total):
            off, size, flags, pflags = struct.unpack_from("<QIIQ", f["d"], f["desc"] + 24 * k)
            if k < n and not (data_off <= off and off + size <= len(f["d"])):
                bad.append("%s: descriptor %d points at %d outside the data area" % (path, k, off))
                break
            if k >= n and (off, size, flags, pflags) != (0, 0, 0, 0):
                bad.append("%s: descriptor %d past its %d pages is written" % (path, k, n))
                break
        print("%s pages %d" % (path, n))
    if nxt != u["max_mapnr"]:
        bad.append("the ranges end at %#x, not at max_mapnr %#x" % (nxt, u["max_mapnr"]))
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
