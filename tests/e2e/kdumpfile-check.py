#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""What libkdumpfile reads from a real kdump-compressed vmcore.

Usage: kdumpfile-check.py VMCORE
Prints "osrelease R" (VMCOREINFO), "uts.release R" and "uts.nodename N"
(init_uts_ns read at its kernel virtual address, so through the dead
kernel's page tables), and "pages-read N" (the first pages of RAM that the
dump holds). Exits 77 without the Python binding (python3-libkdumpfile).
"""
import sys

try:
    import kdumpfile
    import kdumpfile.exceptions
except ImportError:
    print("kdumpfile module not available")
    sys.exit(77)


def cstr(b):
    return bytes(b).split(b"\0", 1)[0].decode("ascii", "replace")


def main():
    k = kdumpfile.kdumpfile(sys.argv[1])
    k.attr["addrxlat.ostype"] = "linux"
    print("osrelease", k.attr["linux.vmcoreinfo.lines.OSRELEASE"])
    lines = k.attr["linux.vmcoreinfo.lines"]
    uts = int(lines["SYMBOL(init_uts_ns)"], 16)
    # struct uts_namespace starts with its new_utsname (OFFSET() when given):
    # sysname[65], nodename[65], release[65], ...
    off = int(lines["OFFSET(uts_namespace.name)"]) if "OFFSET(uts_namespace.name)" in lines else 0
    name = bytes(k.read(kdumpfile.KDUMP_KVADDR, uts + off, 65 * 3))
    print("uts.nodename", cstr(name[65:130]))
    print("uts.release", cstr(name[130:195]))
    read = 0
    for pfn in range(0x100, 0x1100):
        try:
            k.read(kdumpfile.KDUMP_MACHPHYSADDR, pfn * 4096, 4096)
            read += 1
        except kdumpfile.exceptions.NoDataException:
            pass
    print("pages-read", read)


main()
