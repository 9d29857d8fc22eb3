#!/usr/bin/env python3
"""Writes fuzz seeds from the recorded conversations in tests/unit/protocol/data/.

    python3 tests/fuzz/make_seeds.py        (run from the repository root; rewrites corpus/*/rec-*)

Each recorded packet becomes a seed of the target that parses it, prefixed with the option bytes
that target reads first (see fuzz_input.hpp: one capability byte for most targets). Hand-written
seeds (not named rec-*) are left alone.
"""
import glob
import hashlib
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "tests/unit/protocol/data")
CORPUS = os.path.join(ROOT, "tests/fuzz/corpus")

PROTOCOL41, SESSION_TRACK, DEPRECATE_EOF, PLUGIN_AUTH = 1 << 9, 1 << 23, 1 << 24, 1 << 19
EXT_TYPE_INFO, QUERY_ATTRS, PROGRESS, OPTIONAL_METADATA = 1 << 35, 1 << 27, 1 << 32, 1 << 25
CACHE_METADATA = 1 << 36


def caps_byte(caps):
    bits = [PROTOCOL41, SESSION_TRACK, DEPRECATE_EOF, PLUGIN_AUTH, EXT_TYPE_INFO, QUERY_ATTRS, PROGRESS,
            OPTIONAL_METADATA]
    return bytes([sum(1 << i for i, b in enumerate(bits) if caps & b)])


def load(path):
    conns, cur = [], None
    for line in open(path):
        if line.startswith("="):
            cur = {"C": b"", "S": b""}
            conns.append(cur)
        elif line[:2] in ("C ", "S "):
            cur[line[0]] += bytes.fromhex(line[2:].strip())
    return conns


def packets(stream):
    out, pos = [], 0
    while pos + 4 <= len(stream):
        n = int.from_bytes(stream[pos:pos + 3], "little")
        out.append(stream[pos + 4:pos + 4 + n])
        pos += 4 + n
    return out


def lenenc(p, i):
    b = p[i]
    if b < 0xfb:
        return b, i + 1
    size = {0xfc: 2, 0xfd: 3, 0xfe: 8}[b]
    return int.from_bytes(p[i + 1:i + 1 + size], "little"), i + 1 + size


def greeting_caps(p):
    i = p.index(b"\0", 1) + 1 + 4 + 8 + 1
    lo = struct.unpack_from("<H", p, i)[0]
    hi = struct.unpack_from("<H", p, i + 5)[0]
    ext = struct.unpack_from("<I", p, i + 7 + 1 + 6)[0]
    return lo | hi << 16 | ext << 32


class Seeds:
    def __init__(self):
        self.by_target = {}

    def add(self, target, data):
        self.by_target.setdefault(target, set()).add(bytes(data))

    def write(self):
        for target, items in self.by_target.items():
            d = os.path.join(CORPUS, target)
            os.makedirs(d, exist_ok=True)
            for f in glob.glob(os.path.join(d, "rec-*")):
                os.remove(f)
            for data in sorted(items):
                name = "rec-" + hashlib.sha1(data).hexdigest()[:16]
                with open(os.path.join(d, name), "wb") as f:
                    f.write(data)
            print(f"{target}: {len(items)} seeds")


def add_ok(seeds, cb, p, caps):
    seeds.add("ok", cb + p)
    _, i = lenenc(p, 1)
    _, i = lenenc(p, i)
    status = struct.unpack_from("<H", p, i)[0]
    i += 4
    if caps & SESSION_TRACK and status & 0x4000 and i < len(p):
        n, i = lenenc(p, i)
        i += n
        n, i = lenenc(p, i)
        seeds.add("session_state", p[i:i + n])
    return status


def tracker_seed(seeds, cmd, cb, packets):
    data = bytes([cmd[0]]) + cb
    for p in packets:
        data += struct.pack("<H", min(len(p), 0xfffe)) + p[:0xfffe]
    seeds.add("response_tracker", data)


def walk(conn, seeds):
    previous_cmd = None
    srv, cli = packets(conn["S"]), packets(conn["C"])
    seeds.add("framing", b"\x07\x00" + conn["S"][:4096])
    seeds.add("framing", b"\x03\x01" + conn["C"][:4096])
    greeting = srv.pop(0)
    seeds.add("handshake_v10", greeting)
    response = cli.pop(0)
    seeds.add("handshake_response", response)
    client_caps = struct.unpack_from("<I", response, 0)[0] | struct.unpack_from("<I", response, 28)[0] << 32
    caps = greeting_caps(greeting) & client_caps
    cb = caps_byte(caps)
    while True:  # authentication exchange
        p = srv.pop(0)
        if p[0] in (0x00, 0xff):
            if p[0] == 0:
                add_ok(seeds, cb, p, caps)
            else:
                seeds.add("err", cb + p)
            break
        seeds.add("auth", (b"\x00" if p[0] == 0xfe else b"\x01") + cb + p)
        cli_data = cli.pop(0)
        seeds.add("auth", b"\x03" + cb + cli_data)
    statements = {}
    popped = []
    server_packets = srv

    class Tap:
        def pop(self, i):
            packet = server_packets.pop(i)
            popped.append(packet)
            return packet

        def __len__(self):
            return len(server_packets)

    srv = Tap()
    while cli:
        cmd = cli.pop(0)
        if popped and previous_cmd is not None and previous_cmd[0] != 0x11:
            tracker_seed(seeds, previous_cmd, cb, popped)
        popped.clear()
        previous_cmd = cmd
        seeds.add("command", cb + cmd)
        seeds.add("reader", bytes([len(cmd) % 16]) + cmd[:16] + cmd)
        op = cmd[0]
        if op in (0x01, 0x19, 0x18):  # quit, stmt_close, send_long_data: no response
            continue
        if op == 0x11:  # change_user: the authentication exchange again
            seeds.add("auth", b"\x02" + cb + cmd)
            while True:
                p = srv.pop(0)
                if p[0] in (0x00, 0xff):
                    if p[0] == 0:
                        add_ok(seeds, cb, p, caps)
                    else:
                        seeds.add("err", cb + p)
                    break
                seeds.add("auth", (b"\x00" if p[0] == 0xfe else b"\x01") + cb + p)
                seeds.add("auth", b"\x03" + cb + cli.pop(0))
            continue
        if op == 0x09:  # statistics: one string
            srv.pop(0)
            continue
        if op in (0x1b, 0x0e, 0x02, 0x1f, 0x1a):  # set_option (EOF), ping, init_db, reset_connection, stmt_reset
            p = srv.pop(0)
            if p[0] == 0x00:
                add_ok(seeds, cb, p, caps)
            else:
                seeds.add("eof" if p[0] == 0xfe else "err", cb + p)
            continue
        if op == 0x16:  # prepare
            p = srv.pop(0)
            if p[0] == 0xff:
                seeds.add("err", cb + p)
                continue
            seeds.add("stmt_prepare_ok", cb + p)
            stmt_id, ncols, nparams = struct.unpack_from("<IHH", p, 1)
            for group in (nparams, ncols):
                for _ in range(group):
                    seeds.add("column_definition", cb + srv.pop(0))
                if group and not caps & DEPRECATE_EOF:
                    seeds.add("eof", cb + srv.pop(0))
            continue
        binary = op == 0x17
        while True:  # result sets while MORE_RESULTS_EXISTS
            p = srv.pop(0)
            if p[0] in (0x00, 0xff):
                if p[0] == 0xff:
                    seeds.add("err", cb + p)
                    break
                status = add_ok(seeds, cb, p, caps)
                if not status & 0x08:
                    break
                continue
            ncols, i = lenenc(p, 0)
            metadata = True
            if caps & CACHE_METADATA and i < len(p):
                metadata = p[i] == 1
            types = []
            if metadata:
                for _ in range(ncols):
                    col = srv.pop(0)
                    seeds.add("column_definition", cb + col)
                    types.append(col_type(col, caps))
                statements[cmd[1:5]] = types
            else:
                types = statements.get(cmd[1:5], [])
            # MariaDB sends the EOF after the (skipped) column definitions even without metadata.
            if not caps & DEPRECATE_EOF:
                seeds.add("eof", cb + srv.pop(0))
            while True:
                p = srv.pop(0)
                if p[0] == 0xfe and len(p) < 0xffffff:
                    seeds.add("eof", cb + p)
                    status = struct.unpack_from("<H", p, 3)[0] if len(p) >= 5 else 0
                    break
                if p[0] == 0xff:
                    seeds.add("err", cb + p)
                    status = 0
                    break
                if binary:
                    seeds.add("binary_row", bytes([len(types)]) + bytes(t for t, _ in types) +
                              bytes(f for _, f in types) + p)
                else:
                    seeds.add("text_row", bytes([ncols]) + p)
            if not status & 0x08:
                break
    if popped and previous_cmd[0] != 0x11:
        tracker_seed(seeds, previous_cmd, cb, popped)
    assert not len(srv), f"{len(srv)} server packets left over"


def col_type(p, caps):
    i = 0
    for _ in range(6):
        n, i = lenenc(p, i)
        i += n
    if caps & EXT_TYPE_INFO:
        n, i = lenenc(p, i)
        i += n
    i += 1  # fixed-length marker 0x0c
    t = p[i + 6]
    flags = struct.unpack_from("<H", p, i + 7)[0]
    return t, (1 if flags & 0x20 else 0)


def main():
    seeds = Seeds()
    for path in sorted(glob.glob(os.path.join(DATA, "*.txt"))):
        for conn in load(path):
            walk(conn, seeds)
    seeds.write()


if __name__ == "__main__":
    main()
