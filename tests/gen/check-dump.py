#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""check-dump.py EXPECT DUMPFILE [PROBE]: compare a kdump-compressed file
written by makedumpfile with mkvmcore's oracle.

The dump level is read from the dump's sub header. For every pfn the oracle
gives one of: absent (not RAM), excluded (class rule), zero (all-zero page
removed by -d bit 1), dumped. In a kdump-compressed file a zero page stays in
the 2nd bitmap and points at the shared zero block, so "zero" is recognised by
its descriptor. Partial pages (a RAM range ending mid-page) are skipped:
whether makedumpfile includes them depends on its bitmap path.

With PROBE, the output of `vmcore-probe VMCORE PFN...` for every pfn of the
present sections, the dump was made with -e: the header must say
DUMP_DH_EXCLUDED_VMEMMAP (0x10), and a page frame holding struct pages
(page_pa) is excluded too when every pfn whose struct page it holds is
excluded by the class rule (not absent, not merely zero).
Prints mismatching ranges; exit status 0 when everything agrees, 1 if not.
"""
import struct
import sys

EXCLUDED_BY = {  # class -> dump-level bits that exclude it (0 = always)
    "cache": 2 | 4, "cache_private": 4, "user": 8, "free": 16,
    "hwpoison": 0, "offline": 0,
}


def oracle(expect_path, level):
    states = {}
    for line in open(expect_path):
        f = line.split()
        if len(f) != 5 or not f[0].startswith("0x"):
            continue
        start, end, cls, content, extent = int(f[0], 16), int(f[1], 16), *f[2:]
        if extent == "partial":
            continue
        if cls == "not-ram":
            state = "absent"
        elif cls in EXCLUDED_BY and (EXCLUDED_BY[cls] == 0 or level & EXCLUDED_BY[cls]):
            state = "excluded"
        elif content == "zero" and level & 1:
            state = "zero"
        else:
            state = "dumped"
        for pfn in range(start, end):
            states[pfn] = state
    return states


def vmemmap_frames(probe_path, states, page_size):
    """Frames of struct pages (pfns) that -e must drop, per the oracle."""
    frames = {}
    for line in open(probe_path):
        f = line.split()
        if f[:1] == ["pfn"] and "page_pa" in f:
            pfn = int(f[1], 16)
            frame = int(f[f.index("page_pa") + 1], 16) // page_size
            frames.setdefault(frame, []).append(pfn)
    return [fr for fr, pfns in frames.items()
            if all(states.get(p) == "excluded" for p in pfns)]


def read_dump(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"KDUMP   ":
        sys.exit("%s: not a kdump-compressed file" % path)
    bs, sub, bitmap_blocks = struct.unpack_from("<iiI", data, 428)
    level = struct.unpack_from("<i", data, bs + 8)[0]
    max_mapnr = struct.unpack_from("<Q", data, bs + 96)[0]
    bm1 = (1 + sub) * bs
    bm2 = bm1 + bitmap_blocks * bs // 2
    desc = (1 + sub + bitmap_blocks) * bs

    def bit(base, pfn):
        return data[base + (pfn >> 3)] >> (pfn & 7) & 1
    dumpable = [p for p in range(max_mapnr) if bit(bm2, p)]
    zero_off = desc + 24 * len(dumpable) if level & 1 else None
    states = {}
    for i, pfn in enumerate(dumpable):
        off = struct.unpack_from("<Q", data, desc + 24 * i)[0]
        states[pfn] = "zero" if off == zero_off else "dumped"
    for pfn in range(max_mapnr):
        if pfn not in states:
            states[pfn] = "excluded" if bit(bm1, pfn) else "absent"
    status = struct.unpack_from("<I", data, 424)[0]
    return level, states, status, bs


def main():
    level, got, status, page_size = read_dump(sys.argv[2])
    want = oracle(sys.argv[1], level)
    bad = []
    if len(sys.argv) > 3:
        if not status & 0x10:
            bad.append([0, 0, "status 0x10", "status %#x" % status])
        dropped = vmemmap_frames(sys.argv[3], want, page_size)
        for pfn in dropped:
            want[pfn] = "excluded"
        print("vmemmap frames excluded: %d" % len(dropped))
    elif status & 0x10:
        bad.append([0, 0, "no status 0x10", "status %#x" % status])
    for pfn in sorted(want):
        g = got.get(pfn, "absent")
        if g != want[pfn]:
            if bad and bad[-1][1] == pfn and bad[-1][2:] == [want[pfn], g]:
                bad[-1][1] = pfn + 1
            else:
                bad.append([pfn, pfn + 1, want[pfn], g])
    counts = {}
    for s in want.values():
        counts[s] = counts.get(s, 0) + 1
    print("level %d: %s" % (level, " ".join("%s=%d" % kv for kv in sorted(counts.items()))))
    for s, e, w, g in bad:
        print("mismatch 0x%x-0x%x: expected %s, makedumpfile %s" % (s, e, w, g))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
