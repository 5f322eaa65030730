#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""The ELF notes of a kdump-compressed vmcore, read straight from the file.

Usage: kdump-notes.py VMCORE
Prints "nr_cpus N" (disk_dump_header), then one "note NAME TYPE DESCSZ" line
per note of the notes area that kdump_sub_header's offset_note/size_note
point at, then "prstatus N" (the NT_PRSTATUS notes: one per CPU that the
crashing kernel saved registers for) and, with python3-libkdumpfile,
"libkdumpfile.cpu.number N". Exits 1 on a file that is not kdump-compressed.
"""
import struct
import sys

NT_PRSTATUS = 1


def main(path):
    with open(path, "rb") as f:
        hdr = f.read(464)
        if len(hdr) < 464 or hdr[:8] != b"KDUMP   ":
            print("%s: not a kdump-compressed file" % path)
            return 1
        block_size, = struct.unpack_from("<i", hdr, 428)
        nr_cpus, = struct.unpack_from("<i", hdr, 460)
        print("nr_cpus", nr_cpus)
        f.seek(block_size)
        sub = f.read(64)
        if len(sub) < 64:
            print("%s: truncated sub header" % path)
            return 1
        off, size = struct.unpack_from("<QQ", sub, 48)
        if size > (1 << 24):
            print("%s: size_note %d is implausible" % (path, size))
            return 1
        f.seek(off)
        notes = f.read(size)
    if len(notes) != size:
        print("%s: notes area truncated" % path)
        return 1
    pos = prstatus = 0
    while pos + 12 <= len(notes):
        namesz, descsz, ntype = struct.unpack_from("<III", notes, pos)
        pos += 12
        name = notes[pos:pos + namesz].split(b"\0", 1)[0].decode("ascii", "replace")
        pos += (namesz + 3) & ~3
        pos += (descsz + 3) & ~3
        if pos > len(notes):
            print("%s: note %s overruns the notes area" % (path, name))
            return 1
        print("note", name, ntype, descsz)
        if name == "CORE" and ntype == NT_PRSTATUS:
            prstatus += 1
    print("prstatus", prstatus)
    try:
        import kdumpfile
    except ImportError:
        return 0
    k = kdumpfile.kdumpfile(path)
    print("libkdumpfile.cpu.number", k.attr["cpu.number"])
    return 0


sys.exit(main(sys.argv[1]))
