#!/usr/bin/env python3
"""The physical limit of the 4 MiB challenge, measured without the monitor.

Counts, per zone, the order-10-aligned blocks that lie wholly in the zone
and hold only pages compaction could move: free pages (reference count 0:
in the buddy allocator or on a per-CPU list), pages on an LRU list, and
non-LRU movable pages (mapping tagged PAGE_MAPPING_MOVABLE); compound
pages are judged by their head. Anything else pins the block.

buddy_monitor.ko computes the same figure inside the kernel
(monitor/frag.c). This is the independent cross-check: it reads the
kernel's struct page array itself, from /proc/kcore, the way crash and drgn
do, so it shares no code with the module. /proc/kpageflags cannot do it:
it exports flags and the map count, not the reference count, so a page the
kernel allocated without flags (a pinned page, a vmalloc page) looks free.

Layout constants are those of x86-64 Linux 6.1 (struct page is 64 bytes:
flags at 0, compound_head at 8, mapping at 24, _refcount at 52; PG_lru is
bit 4, PG_head bit 16); the vmemmap base is read from the kernel's
vmemmap_base variable (randomized with KASLR). Needs root, /proc/kcore and
/proc/kallsyms with real addresses.

Prints one JSON object: {"order": N, "zones": [{"node", "zone",
"start_pfn", "spanned", "blocks_total", "blocks_recoverable"}]}.

usage: limit_scan.py [--order N]
"""
import argparse
import json
import re
import struct

PAGE_STRUCT = 64
PG_LRU = 1 << 4
PG_HEAD = 1 << 16
PAGE_MAPPING_FLAGS = 3
PAGE_MAPPING_MOVABLE = 2


class Kcore:
    """Reads kernel virtual memory through /proc/kcore's ELF program headers."""

    def __init__(self):
        self.f = open("/proc/kcore", "rb")
        hdr = self.f.read(64)
        assert hdr[:4] == b"\x7fELF" and hdr[4] == 2, "/proc/kcore is not ELF64"
        phoff, = struct.unpack_from("<Q", hdr, 32)
        phentsize, phnum = struct.unpack_from("<HH", hdr, 54)
        self.loads = []
        for i in range(phnum):
            self.f.seek(phoff + i * phentsize)
            p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack("<IIQQQQ", self.f.read(40))
            if p_type == 1:  # PT_LOAD
                self.loads.append((p_vaddr, p_filesz, p_offset))

    def read(self, vaddr, size):
        for start, length, offset in self.loads:
            if start <= vaddr and vaddr + size <= start + length:
                self.f.seek(offset + vaddr - start)
                return self.f.read(size)
        raise ValueError("address %#x not in /proc/kcore" % vaddr)


def symbol(name):
    for line in open("/proc/kallsyms"):
        f = line.split()
        if len(f) >= 3 and f[2] == name:
            addr = int(f[0], 16)
            if addr == 0:
                raise SystemExit("limit_scan: /proc/kallsyms hides addresses (kptr_restrict)")
            return addr
    raise SystemExit("limit_scan: no symbol %s" % name)


def zones():
    """(node, name, start_pfn, spanned) of every populated zone."""
    out, cur = [], None
    for line in open("/proc/zoneinfo"):
        m = re.match(r"Node (\d+), zone\s+(\S+)", line)
        if m:
            cur = {"node": int(m.group(1)), "zone": m.group(2)}
            out.append(cur)
            continue
        f = line.split()
        if cur is not None and len(f) == 2 and f[0] in ("spanned", "present", "start_pfn:"):
            cur[f[0].rstrip(":")] = int(f[1])
    return [z for z in out if z.get("present", 0) > 0]


def movable_or_free(pages, i):
    """Can compaction empty page i? None: judge the compound head instead."""
    flags, chead, mapping = struct.unpack_from("<QQ8xQ", pages, i * PAGE_STRUCT)
    refcount, = struct.unpack_from("<i", pages, i * PAGE_STRUCT + 52)
    if chead & 1:
        return None  # a tail page
    if refcount == 0:
        return True
    if flags & PG_LRU:
        return True
    return (mapping & PAGE_MAPPING_FLAGS) == PAGE_MAPPING_MOVABLE


def block_recoverable(kcore, vmemmap, base_pfn, nr):
    pages = kcore.read(vmemmap + base_pfn * PAGE_STRUCT, nr * PAGE_STRUCT)
    head_ok = None
    for i in range(nr):
        ok = movable_or_free(pages, i)
        if ok is None:
            if head_ok is None:
                # Tail of a compound page whose head is in an earlier block.
                chead, = struct.unpack_from("<Q", pages, i * PAGE_STRUCT + 8)
                head = kcore.read(chead - 1, PAGE_STRUCT)
                head_ok = movable_or_free(head, 0)
            if not head_ok:
                return False
            continue
        flags, = struct.unpack_from("<Q", pages, i * PAGE_STRUCT)
        head_ok = ok if flags & PG_HEAD else None
        if not ok:
            return False
    return True


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--order", type=int, default=10, help="block order (default 10)")
    a = p.parse_args()
    nr = 1 << a.order
    kcore = Kcore()
    vmemmap, = struct.unpack("<Q", kcore.read(symbol("vmemmap_base"), 8))
    result = []
    for z in zones():
        start, end = z["start_pfn"], z["start_pfn"] + z["spanned"]
        pfn = (start + nr - 1) // nr * nr
        total = recoverable = 0
        while pfn + nr <= end:
            total += 1
            try:
                recoverable += block_recoverable(kcore, vmemmap, pfn, nr)
            except ValueError:
                pass  # no memmap there (a hole): pinned
            pfn += nr
        result.append({"node": z["node"], "zone": z["zone"], "start_pfn": start,
                       "spanned": z["spanned"], "blocks_total": total,
                       "blocks_recoverable": recoverable})
    print(json.dumps({"order": a.order, "zones": result}))


if __name__ == "__main__":
    main()
