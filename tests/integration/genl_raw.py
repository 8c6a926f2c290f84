#!/usr/bin/env python3
"""Send one hand-built generic netlink request and print the kernel's answer.

The library never sends malformed requests, so this is how the tests reach
the family's nla_policy directly:

  genl_raw.py FAMILY CMD [TYPE:KIND:VALUE ...]
      KIND is u8, u32, u64, str or nest (VALUE ignored, empty nest)
  prints  "errno=N extack=MESSAGE"  (errno 0 on success)
"""
import socket
import struct
import sys

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


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    sock.bind((0, 0))
    # Resolve the family id.
    body = struct.pack("BBH", CTRL_CMD_GETFAMILY, 1, 0) + attr(CTRL_ATTR_FAMILY_NAME, sys.argv[1].encode() + b"\0")
    sock.send(struct.pack("IHHII", 16 + len(body), GENL_ID_CTRL, NLM_F_REQUEST, 1, 0) + body)
    data = sock.recv(65536)
    mlen, mtype = struct.unpack("IH", data[:6])
    if mtype == NLMSG_ERROR:
        print("errno=%d extack=family not found" % -struct.unpack("i", data[16:20])[0])
        return 0
    fam = struct.unpack("H", parse_attrs(data[20:mlen])[CTRL_ATTR_FAMILY_ID][:2])[0]
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
