#!/usr/bin/env python3
"""A TCP relay that records a MySQL conversation.

    wire_recorder.py --target-port 3306 --out conversation.txt [--listen-port 0] [--connections 1]

Listens on 127.0.0.1 (port 0 = any free port), prints "listening <port>" on stdout once ready,
relays each accepted client to 127.0.0.1:<target-port>, and appends every chunk it relays to the
output file, in the order it relayed them:

    # comment lines start with '#'
    = 1                     a new connection (its number) begins
    C 0a35352e...           bytes the client sent to the server, hex
    S 4a000000...           bytes the server sent to the client, hex

Chunks are exactly what recv() returned, so their boundaries mean nothing to the protocol.
Exits after --connections connections have ended (both sides closed), or on SIGTERM/SIGINT,
after flushing the file.
"""
import argparse
import selectors
import signal
import socket
import sys


def relay(client, target, out, number):
    server = socket.create_connection(target)
    out.write(f"= {number}\n")
    sel = selectors.DefaultSelector()
    peers = {client: (server, "C"), server: (client, "S")}
    for s in peers:
        sel.register(s, selectors.EVENT_READ)
    open_reads = 2
    while open_reads:
        for key, _ in sel.select():
            src = key.fileobj
            dst, tag = peers[src]
            try:
                data = src.recv(65536)
            except ConnectionResetError:
                data = b""
            if data:
                out.write(f"{tag} {data.hex()}\n")
                dst.sendall(data)
            else:
                # Half-close: pass the EOF on and keep relaying the other direction.
                sel.unregister(src)
                open_reads -= 1
                try:
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
    out.flush()
    client.close()
    server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target-host", default="127.0.0.1")
    parser.add_argument("--target-port", type=int, required=True)
    parser.add_argument("--listen-port", type=int, default=0)
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.listen_port))
    listener.listen(8)
    with open(args.out, "w", encoding="ascii") as out:
        out.write("# weir wire recording v1: '= n' new connection, 'C <hex>' client->server, "
                  "'S <hex>' server->client\n")
        out.flush()
        print(f"listening {listener.getsockname()[1]}", flush=True)
        try:
            for number in range(1, args.connections + 1):
                client, _ = listener.accept()
                relay(client, (args.target_host, args.target_port), out, number)
        finally:
            out.flush()
            listener.close()


if __name__ == "__main__":
    sys.exit(main())
