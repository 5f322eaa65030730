#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""compare_dump.py [--incomplete] VMCORE DUMP: read a dump through libkdumpfile and check
that every page it holds equals the same page of the ELF vmcore it was made
from (also read through libkdumpfile, an implementation independent of
ours), and that the pages it excludes are reported as excluded.

With --incomplete the dump may have stopped early (ENOSPC, -L): pages whose
descriptor was never written (libkdumpfile calls them corrupt, crash calls
them incomplete) are counted as "unwritten" instead of failing.

Prints "kept K excluded E unwritten U mismatches M" and exits 0 when M is 0,
1 when not, 77 when the Python binding (Debian: python3-libkdumpfile) is
missing.
"""
import sys

try:
    import kdumpfile
    import kdumpfile.exceptions
except ImportError:
    print("kdumpfile module not available")
    sys.exit(77)


def main(vmcore_path, dump_path, incomplete):
    src = kdumpfile.kdumpfile(vmcore_path)
    dump = kdumpfile.kdumpfile(dump_path)
    page = dump.attr["arch.page_size"]
    max_pfn = dump.attr["max_pfn"]
    phys = kdumpfile.KDUMP_MACHPHYSADDR
    kept = excluded = unwritten = bad = 0
    for pfn in range(max_pfn):
        try:
            data = dump.read(phys, pfn * page, page)
        except (kdumpfile.exceptions.NoDataException,
                kdumpfile.exceptions.AddressTranslationException):
            excluded += 1
            continue
        except kdumpfile.exceptions.CorruptException:
            if not incomplete:
                raise
            unwritten += 1
            continue
        kept += 1
        try:
            want = src.read(phys, pfn * page, page)
        except Exception as e:
            bad += 1
            print("pfn %#x: in the dump but not readable in the vmcore: %s" % (pfn, e))
            continue
        if data != want:
            bad += 1
            if bad <= 10:
                print("pfn %#x differs" % pfn)
    print("kept %d excluded %d unwritten %d mismatches %d" % (kept, excluded, unwritten, bad))
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    args = sys.argv[1:]
    incomplete = bool(args) and args[0] == "--incomplete"
    if incomplete:
        args = args[1:]
    if len(args) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(args[0], args[1], incomplete))
