#!/usr/bin/env python3
"""Fill memory with movable pages, then punch holes: the first half of a
fragmented heap. Runs inside the test bed's guest; the 4 MiB challenge, the
scale bench and the integration tests all build their heaps with it.

Writes FILE_KIB files into DIR (a tmpfs, so every page is movable shmem)
until MemAvailable falls to LEAVE_PCT percent of MemTotal, then deletes every
other file, leaving FILE_KIB-sized holes spread through physical memory.
Prints one JSON line: files written, deleted, MiB filled. An optional
PREFIX names the files, so a later call can top up what an earlier one
left (it then fills only what has been freed since, and punches holes in
that).

usage: fill.py DIR FILE_KIB LEAVE_PCT [PREFIX]
"""
import json
import os
import sys


def meminfo(key):
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def main():
    directory, file_kib, leave_pct = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    prefix = sys.argv[4] if len(sys.argv) > 4 else "f"
    total = meminfo("MemTotal")
    stop_at = total * leave_pct / 100
    chunk = os.urandom(file_kib * 1024)
    written = 0
    while meminfo("MemAvailable") > stop_at + file_kib:
        with open(os.path.join(directory, "%s%06d" % (prefix, written)), "wb") as f:
            f.write(chunk)
        written += 1
    deleted = 0
    for i in range(0, written, 2):
        os.unlink(os.path.join(directory, "%s%06d" % (prefix, i)))
        deleted += 1
    print(json.dumps({"files_written": written, "files_deleted": deleted,
                      "file_kib": file_kib,
                      "mib_left": (written - deleted) * file_kib // 1024}))


if __name__ == "__main__":
    main()
