#!/usr/bin/env python3
"""Send one hand-built generic netlink request and print the kernel's answer.

The library never sends malformed requests, so this is how the tests reach
the family's nla_policy directly:

  genl_raw.py FAMILY CMD [TYPE:KIND:VALUE ...]
      KIND is u8, u32, u64, str or nest (VALUE ignored, empty nest)
  prints  "errno=N extack=MESSAGE"  (errno 0 on success)

  genl_raw.py --no-read FAMILY CMD
      send the request and never read the answer: prints "sent", then
      sleeps until killed (what a stalled or hostile reader does)

  genl_raw.py --frag-ages N
      send N GET_FRAG requests back to back on one socket; print one line
      per request: the monotonic time it was sent (ns) and the age_ns of
      its first zone

  genl_raw.py --attempts
      dump buddy_hot's GET_ATTEMPTS and print "attempts=N ok=N nonzero_pfns=N"
"""
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NLM_F_REQUEST, NLM_F_ACK = 0x1, 0x4
NLMSG_ERROR = 2
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
NLMSGERR_ATTR_MSG = 1


def attr(atype, payload):
    hdr = struct.pack("HH", 4 + len(payload), atype)
    return hdr + payload + b"\0" * ((4 - len(payload) % 4) % 4)


def parse_attrs(data):
    out = {}
    while len(data) >= 4:
        alen, atype = struct.unpack("HH", data[:4])
        if alen < 4:
            break
        out[atype & 0x3FFF] = data[4:alen]
        data = data[(alen + 3) & ~3:]
    return out


def request(sock, family, cmd, attrs, seq):
    body = struct.pack("BBH", cmd, 1, 0) + attrs
    msg = struct.pack("IHHII", 16 + len(body), family, NLM_F_REQUEST | NLM_F_ACK, seq, 0) + body
    sock.send(msg)
    while True:
        data = sock.recv(65536)
        while data:
            mlen, mtype, flags, _, _ = struct.unpack("IHHII", data[:16])
            if mtype == NLMSG_ERROR:
                err = -struct.unpack("i", data[16:20])[0]
                extack = ""
                if flags & 0x200:  # NLM_F_ACK_TLVS: echoed request is capped
                    inner_len = struct.unpack("I", data[20:24])[0]
                    capped = flags & 0x100
                    skip = 16 if capped else (inner_len + 3) & ~3
                    tlvs = parse_attrs(data[20 + skip:mlen])
                    extack = tlvs.get(NLMSGERR_ATTR_MSG, b"").rstrip(b"\0").decode()
                return err, extack, None
            # A reply may precede the ACK; keep reading until the ACK.
            data = data[(mlen + 3) & ~3:]


def resolve(sock, name):
    body = struct.pack("BBH", CTRL_CMD_GETFAMILY, 1, 0) + attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0")
    sock.send(struct.pack("IHHII", 16 + len(body), GENL_ID_CTRL, NLM_F_REQUEST, 1, 0) + body)
    data = sock.recv(65536)
    mlen, mtype = struct.unpack("IH", data[:6])
    if mtype == NLMSG_ERROR:
        return None, -struct.unpack("i", data[16:20])[0]
    return struct.unpack("H", parse_attrs(data[20:mlen])[CTRL_ATTR_FAMILY_ID][:2])[0], 0


def no_read(sock, family, cmd):
    fam, err = resolve(sock, family)
    if fam is None:
        print("errno=%d extack=family not found" % err)
        return 1
    body = struct.pack("BBH", cmd, 1, 0)
    sock.send(struct.pack("IHHII", 16 + len(body), fam, NLM_F_REQUEST | NLM_F_ACK, 2, 0) + body)
    print("sent", flush=True)
    while True:
        time.sleep(3600)


NLM_F_DUMP, NLMSG_DONE = 0x300, 3
HOT_CMD_GET_ATTEMPTS, HOT_A_ATTEMPT, HOT_AA_OK, HOT_AA_PFN = 3, 11, 2, 4


def attempts(sock):
    fam, err = resolve(sock, "buddy_hot")
    if fam is None:
        print("errno=%d extack=family not found" % err)
        return 1
    body = struct.pack("BBH", HOT_CMD_GET_ATTEMPTS, 1, 0)
    sock.send(struct.pack("IHHII", 16 + len(body), fam, NLM_F_REQUEST | NLM_F_DUMP, 2, 0) + body)
    n = ok = nonzero = 0
    while True:
        data = sock.recv(1 << 20)
        while data:
            mlen, mtype = struct.unpack("IH", data[:6])
            if mtype == NLMSG_DONE:
                print("attempts=%d ok=%d nonzero_pfns=%d" % (n, ok, nonzero))
                return 0
            if mtype == NLMSG_ERROR:
                print("errno=%d" % -struct.unpack("i", data[16:20])[0])
                return 1
            nest = parse_attrs(data[20:mlen]).get(HOT_A_ATTEMPT, b"")
            a = parse_attrs(nest)
            n += 1
            if a.get(HOT_AA_OK, b"\0")[0]:
                ok += 1
                if struct.unpack("Q", a[HOT_AA_PFN][:8])[0]:
                    nonzero += 1
            data = data[(mlen + 3) & ~3:]


MON_CMD_GET_FRAG, ZA_AGE_NS = 4, 20


def frag_ages(sock, n):
    fam, err = resolve(sock, "buddy_monitor")
    if fam is None:
        print("errno=%d extack=family not found" % err)
        return 1
    for seq in range(2, 2 + n):
        body = struct.pack("BBH", MON_CMD_GET_FRAG, 1, 0)
        sent = time.monotonic_ns()
        sock.send(struct.pack("IHHII", 16 + len(body), fam, NLM_F_REQUEST | NLM_F_ACK, seq, 0) + body)
        age = None
        done = False
        while not done:
            data = sock.recv(1 << 20)
            while data:
                mlen, mtype = struct.unpack("IH", data[:6])
                if mtype == NLMSG_ERROR:
                    err = -struct.unpack("i", data[16:20])[0]
                    if err:
                        print("errno=%d" % err)
                        return 1
                    done = True
                elif age is None:
                    age = struct.unpack("Q", parse_attrs(data[20:mlen])[ZA_AGE_NS][:8])[0]
                data = data[(mlen + 3) & ~3:]
        print(sent, age)
    return 0


def main():
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    sock.bind((0, 0))
    if sys.argv[1:2] == ["--frag-ages"]:
        return frag_ages(sock, int(sys.argv[2]))
    if sys.argv[1:2] == ["--attempts"]:
        return attempts(sock)
    if sys.argv[1:2] == ["--no-read"] and len(sys.argv) == 4:
        return no_read(sock, sys.argv[2], int(sys.argv[3]))
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    fam, err = resolve(sock, sys.argv[1])
    if fam is None:
        print("errno=%d extack=family not found" % err)
        return 0
    attrs = b""
    for spec in sys.argv[3:]:
        atype, kind, value = spec.split(":", 2)
        atype = int(atype)
        payload = {
            "u8": lambda v: struct.pack("B", int(v)),
            "u32": lambda v: struct.pack("I", int(v) & 0xFFFFFFFF),
            "u64": lambda v: struct.pack("Q", int(v) & 0xFFFFFFFFFFFFFFFF),
            "str": lambda v: v.encode() + b"\0",
            "nest": lambda v: b"",
        }[kind](value)
        attrs += attr(atype | (0x8000 if kind == "nest" else 0), payload)
    err, extack, _ = request(sock, fam, int(sys.argv[2]), attrs, 2)
    print("errno=%d extack=%s" % (err, extack))
    return 0


if __name__ == "__main__":
    sys.exit(main())
