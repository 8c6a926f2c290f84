#!/usr/bin/env python3
"""The physical limit of the 4 MiB challenge, measured without the monitor.

Counts, per zone, the order-10-aligned blocks that lie wholly in the zone
and hold only pages compaction could move: free pages (reference count 0:
in the buddy allocator or on a per-CPU list), pages on an LRU list, user
pages off it for a moment (anonymous or page cache, not slab: waiting in a
per-CPU LRU batch, which compaction drains before it isolates), and
non-LRU movable pages (mapping tagged PAGE_MAPPING_MOVABLE); compound
pages are judged by their head. Anything else pins the block.

buddy_monitor.ko computes the same figure inside the kernel
(monitor/frag.c). This is the independent cross-check: it reads the
kernel's struct page array itself, from /proc/kcore, the way crash and drgn
do, so it shares no code with the module. /proc/kpageflags cannot do it:
it exports flags and the map count, not the reference count, so a page the
kernel allocated without flags (a pinned page, a vmalloc page) looks free.

The layout of struct page (its size and the offsets of flags,
compound_head, mapping, _refcount and page_type), the bits PG_lru and
PG_head, and how a slab page is marked (the PG_slab flag up to 6.9, the
page type PGTY_slab in page_type's top byte since) are read from the
running kernel's BTF (/sys/kernel/btf/vmlinux), so the scan holds on every
kernel that has it (Debian's do; the layout moved between 6.1 and 6.12 in
the page flags); PAGE_MAPPING_ANON and PAGE_MAPPING_MOVABLE are macros,
not in BTF, and have been 1 and 2 throughout. The vmemmap base is read from the
kernel's vmemmap_base variable (randomized with KASLR). Needs root,
/proc/kcore and /proc/kallsyms with real addresses.

Prints one JSON object: {"order": N, "zones": [{"node", "zone",
"start_pfn", "spanned", "blocks_total", "blocks_recoverable"}]}.

usage: limit_scan.py [--order N]
"""
import argparse
import json
import re
import struct

PAGE_MAPPING_FLAGS = 3
PAGE_MAPPING_ANON = 1
PAGE_MAPPING_MOVABLE = 2
BTF_PATH = "/sys/kernel/btf/vmlinux"


class Btf:
    """The few answers this scan needs from a kernel's BTF blob."""

    # Bytes that follow struct btf_type, per kind: fixed, and per vlen entry.
    EXTRA = {1: (4, 0), 3: (12, 0), 4: (0, 12), 5: (0, 12), 6: (0, 8), 13: (0, 8),
             14: (4, 0), 15: (0, 12), 17: (4, 0), 19: (0, 12)}
    STRUCT, UNION, ENUM, ENUM64 = 4, 5, 6, 19
    # Kinds that only qualify or rename the type they point at.
    ALIASES = {8, 9, 10, 11, 18}

    def __init__(self, data):
        magic, _, _, hdr_len, type_off, type_len, str_off, _ = \
            struct.unpack_from("<HBBIIIII", data, 0)
        if magic != 0xEB9F:
            raise SystemExit("limit_scan: %s is not BTF" % BTF_PATH)
        self.strs = data[hdr_len + str_off:]
        self.types = [None]  # type ids start at 1
        pos, end = hdr_len + type_off, hdr_len + type_off + type_len
        while pos < end:
            name_off, info, size_type = struct.unpack_from("<III", data, pos)
            kind, vlen = (info >> 24) & 0x1F, info & 0xFFFF
            fixed, per = self.EXTRA.get(kind, (0, 0))
            body = data[pos + 12:pos + 12 + fixed + per * vlen]
            self.types.append((kind, name_off, info, size_type, body))
            pos += 12 + fixed + per * vlen

    def name(self, off):
        return self.strs[off:self.strs.index(b"\0", off)].decode()

    def find(self, kinds, name):
        for tid, t in enumerate(self.types[1:], 1):
            if t[0] in kinds and t[1] and self.name(t[1]) == name:
                return tid
        raise SystemExit("limit_scan: no %s in this kernel's BTF" % name)

    def resolve(self, tid):
        while self.types[tid][0] in self.ALIASES:
            tid = self.types[tid][3]
        return tid

    def size(self, tid):
        return self.types[self.resolve(tid)][3]

    def offset(self, tid, member, base=0):
        """Byte offset of @member in struct/union @tid, through anonymous members."""
        kind, _, info, _, body = self.types[self.resolve(tid)]
        if kind not in (self.STRUCT, self.UNION):
            return None
        for i in range(info & 0xFFFF):
            name_off, mtype, moff = struct.unpack_from("<III", body, i * 12)
            bits = moff & 0xFFFFFF if info >> 31 else moff
            if name_off and self.name(name_off) == member:
                return base + bits // 8
            if not name_off:
                found = self.offset(mtype, member, base + bits // 8)
                if found is not None:
                    return found
        return None

    def enumerator(self, enum, value_name, optional=False):
        """The value of @value_name in @enum; None if @optional and absent."""
        try:
            tid = self.find((self.ENUM, self.ENUM64), enum)
        except SystemExit:
            if optional:
                return None
            raise
        kind, _, info, _, body = self.types[tid]
        step = 8 if kind == self.ENUM else 12
        for i in range(info & 0xFFFF):
            name_off, val = struct.unpack_from("<Ii", body, i * step)
            if self.name(name_off) == value_name:
                return val
        if optional:
            return None
        raise SystemExit("limit_scan: no %s in enum %s" % (value_name, enum))


def page_layout():
    """struct page's size and offsets, and the page-flag bits, from BTF."""
    try:
        btf = Btf(open(BTF_PATH, "rb").read())
    except OSError as e:
        raise SystemExit("limit_scan: cannot read %s (%s): the kernel needs CONFIG_DEBUG_INFO_BTF"
                         % (BTF_PATH, e.strerror))
    page = btf.find((Btf.STRUCT,), "page")
    layout = {"size": btf.size(page),
              "pg_lru": 1 << btf.enumerator("pageflags", "PG_lru"),
              "pg_head": 1 << btf.enumerator("pageflags", "PG_head")}
    pg_slab = btf.enumerator("pageflags", "PG_slab", optional=True)
    layout["pg_slab"] = 0 if pg_slab is None else 1 << pg_slab
    layout["pgty_slab"] = btf.enumerator("pagetype", "PGTY_slab", optional=True)
    if pg_slab is None and layout["pgty_slab"] is None:
        raise SystemExit("limit_scan: this kernel's BTF has neither PG_slab nor PGTY_slab")
    for member in ("flags", "compound_head", "mapping", "_refcount", "page_type"):
        off = btf.offset(page, member)
        if off is None:
            raise SystemExit("limit_scan: struct page has no %s in this kernel's BTF" % member)
        layout[member] = off
    return layout


L = {}  # page_layout(), read once in main()


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
    at = i * L["size"]
    flags, = struct.unpack_from("<Q", pages, at + L["flags"])
    chead, = struct.unpack_from("<Q", pages, at + L["compound_head"])
    mapping, = struct.unpack_from("<Q", pages, at + L["mapping"])
    refcount, = struct.unpack_from("<i", pages, at + L["_refcount"])
    if chead & 1:
        return None  # a tail page
    if refcount == 0:
        return True
    if flags & L["pg_lru"]:
        return True
    if (mapping & PAGE_MAPPING_FLAGS) == PAGE_MAPPING_MOVABLE:
        return True
    return user_page(flags, mapping, pages, at)


def user_page(flags, mapping, pages, at):
    """An anonymous or page-cache page (off the LRU while in a per-CPU batch)."""
    if not mapping:
        return False
    if flags & L["pg_slab"]:
        return False
    if L["pgty_slab"] is not None:
        page_type, = struct.unpack_from("<I", pages, at + L["page_type"])
        if page_type >> 24 == L["pgty_slab"]:
            return False
    if mapping & PAGE_MAPPING_ANON:
        return True
    return (mapping & PAGE_MAPPING_FLAGS) == 0


def block_recoverable(kcore, vmemmap, base_pfn, nr):
    pages = kcore.read(vmemmap + base_pfn * L["size"], nr * L["size"])
    head_ok = None
    for i in range(nr):
        ok = movable_or_free(pages, i)
        if ok is None:
            if head_ok is None:
                # Tail of a compound page whose head is in an earlier block.
                chead, = struct.unpack_from("<Q", pages, i * L["size"] + L["compound_head"])
                head = kcore.read(chead - 1, L["size"])
                head_ok = movable_or_free(head, 0)
            if not head_ok:
                return False
            continue
        flags, = struct.unpack_from("<Q", pages, i * L["size"] + L["flags"])
        head_ok = ok if flags & L["pg_head"] else None
        if not ok:
            return False
    return True


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--order", type=int, default=10, help="block order (default 10)")
    a = p.parse_args()
    nr = 1 << a.order
    L.update(page_layout())
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
    print(json.dumps({"order": a.order, "layout": L, "zones": result}))


if __name__ == "__main__":
    main()
