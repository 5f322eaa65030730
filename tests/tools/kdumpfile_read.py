#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Read a kdump-compressed file we wrote through libkdumpfile and compare it
with the expectations mkdump_sample wrote.

Usage: kdumpfile_read.py DUMP RAW MAP
  RAW  one page per pfn (the contents a dumpable pfn must read as)
  MAP  one character per pfn: 'd' dumpable, 'x' excluded, 'h' hole

Prints one line of problems per failure and "checked N pages" at the end;
exits 0 when everything matched, 1 otherwise, 77 when the Python binding
(Debian: python3-libkdumpfile) is not installed.
"""
import sys

try:
    import kdumpfile
    import kdumpfile.exceptions
except ImportError:
    print("kdumpfile module not available")
    sys.exit(77)


def check_attrs(k, problems, want):
    for key, value in want.items():
        try:
            got = k.attr[key]
        except Exception as e:  # a missing key is a failure, not a crash
            problems.append("attribute %s: %s" % (key, e))
            continue
        if got != value:
            problems.append("attribute %s: %r, expected %r" % (key, got, value))


def check_pages(k, raw, pagemap, page_size, problems):
    checked = 0
    for pfn, kind in enumerate(pagemap):
        addr = pfn * page_size
        try:
            data = bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, addr, page_size))
        except kdumpfile.exceptions.NoDataException:
            if kind == "d":
                problems.append("pfn %#x: no data, expected a page" % pfn)
            continue
        except Exception as e:
            problems.append("pfn %#x: %s: %s" % (pfn, type(e).__name__, e))
            continue
        if kind != "d":
            problems.append("pfn %#x: read %d bytes, expected no data" % (pfn, len(data)))
        elif data != raw[addr:addr + page_size]:
            problems.append("pfn %#x: contents differ" % pfn)
        checked += 1
    return checked


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    path, raw_path, map_path = sys.argv[1:]
    with open(raw_path, "rb") as f:
        raw = f.read()
    with open(map_path) as f:
        pagemap = f.read().strip()
    k = kdumpfile.kdumpfile(path)
    problems = []
    check_attrs(k, problems, {
        "file.format": "diskdump",
        "arch.name": "x86_64",
        "arch.page_size": 4096,
        "max_pfn": len(pagemap),
        "linux.uts.sysname": "Linux",
        "linux.uts.release": "6.1.0-kx-test",
        "linux.uts.machine": "x86_64",
        "cpu.number": 2,
    })
    checked = check_pages(k, raw, pagemap, 4096, problems)
    if checked != pagemap.count("d"):
        problems.append("read %d pages, the map has %d dumpable"
                        % (checked, pagemap.count("d")))
    for p in problems[:20]:
        print(p)
    print("checked %d pages, %d problems" % (checked, len(problems)))
    return 1 if problems or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
