#!/usr/bin/env python3
"""An independent, minimal peer for the course's simplified BitTorrent protocol.

Written from the protocol text only (shared/protocol.md), to swarm with peers of
other implementations in interoperability tests. Standard library only.

    python3 pypeer.py <peerId> --config-dir DIR --peers-dir DIR --log-dir DIR
                      [--always-send-bitfield] [--repeat-interested]

Threads: one acceptor, one dialler per earlier peer, one reader and one writer
per connection, one timer for the (optimistic) unchoking rounds. All shared
state is guarded by a single lock; sends only enqueue, so nothing blocks on a
socket while holding it.
"""
import argparse
import math
import os
import queue
import random
import socket
import struct
import sys
import threading
import time

HEADER = b"P2PFILESHARINGPROJ"
CHOKE, UNCHOKE, INTERESTED, NOT_INTERESTED, HAVE, BITFIELD, REQUEST, PIECE = range(8)


def err(msg):
    print(f"pypeer: {msg}", file=sys.stderr, flush=True)


def config_lines(path):
    with open(path, "r", encoding="utf-8") as f:
        for raw in f.read().splitlines():
            line = raw.split("#", 1)[0].strip()
            if line:
                yield line.split()


def read_common(path):
    cfg = {}
    for parts in config_lines(path):
        if len(parts) >= 2:
            cfg[parts[0]] = parts[1]
    return {
        "k": int(cfg["NumberOfPreferredNeighbors"]),
        "p": float(cfg["UnchokingInterval"]),
        "m": float(cfg["OptimisticUnchokingInterval"]),
        "file": cfg["FileName"],
        "size": int(cfg["FileSize"]),
        "piece": int(cfg["PieceSize"]),
    }


def read_peers(path):
    return [(int(p[0]), p[1], int(p[2]), p[3] == "1") for p in config_lines(path)]


def frame(mtype, payload=b""):
    return struct.pack(">IB", 1 + len(payload), mtype) + payload


class Neighbor:
    def __init__(self, pid, sock, npieces):
        self.id = pid
        self.sock = sock
        self.out = queue.Queue()
        self.bits = bytearray(npieces)   # one byte per piece: 1 = the neighbour has it
        self.count = 0
        self.am_choking = True           # we choke them
        self.choked_by = True            # they choke us
        self.interested_in_us = False
        self.am_interested = False
        self.requested = None            # piece index we asked of them, awaiting the piece
        self.received = 0                # bytes received during the current unchoking interval
        self.closed = False
        self.writer = None
        self.reader = None


class Peer:
    def __init__(self, args):
        self.id = args.peer_id
        self.args = args
        c = read_common(os.path.join(args.config_dir, "Common.cfg"))
        self.k, self.p, self.m = c["k"], c["p"], c["m"]
        self.size, self.psize = c["size"], c["piece"]
        self.n = math.ceil(self.size / self.psize)
        self.peers = read_peers(os.path.join(args.config_dir, "PeerInfo.cfg"))
        ids = [p[0] for p in self.peers]
        if self.id not in ids:
            raise SystemExit(f"pypeer: peer {self.id} is not in PeerInfo.cfg")
        me = ids.index(self.id)
        self.before, self.after = self.peers[:me], self.peers[me + 1:]
        _, host, self.port, has_file = self.peers[me]
        self.host = "127.0.0.1" if host == "localhost" else host
        self.lock = threading.RLock()
        self.done = threading.Event()
        self.neighbors = {}
        self.preferred = set()
        self.optimistic = None
        os.makedirs(args.log_dir, exist_ok=True)
        self.log_file = open(os.path.join(args.log_dir, f"log_peer_{self.id}.log"), "a", encoding="utf-8")
        d = os.path.join(args.peers_dir, f"peer_{self.id}")
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, c["file"])
        if has_file:
            if not os.path.isfile(path) or os.path.getsize(path) != self.size:
                raise SystemExit(f"pypeer: seed file {path} missing or not {self.size} bytes")
            self.fd = os.open(path, os.O_RDWR)
            self.have = bytearray([1]) * self.n
        else:
            self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
            os.ftruncate(self.fd, self.size)
            self.have = bytearray(self.n)
        self.count = sum(self.have)

    # ---- helpers -----------------------------------------------------------
    def log(self, text):
        with self.lock:
            self.log_file.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')}: {text}\n")
            self.log_file.flush()

    def piece_len(self, i):
        return min(self.psize, self.size - i * self.psize)

    def send(self, nb, mtype, payload=b""):
        if not nb.closed:
            nb.out.put(frame(mtype, payload))

    def bitfield_bytes(self):
        b = bytearray(math.ceil(self.n / 8))
        for i in range(self.n):
            if self.have[i]:
                b[i // 8] |= 0x80 >> (i % 8)
        return bytes(b)

    def wants_from(self, nb):
        return any(nb.bits[i] and not self.have[i] for i in range(self.n))

    def update_interest(self, nb, always):
        """Send interested / not interested; `always` resends even when unchanged."""
        want = self.wants_from(nb)
        if always or want != nb.am_interested:
            self.send(nb, INTERESTED if want else NOT_INTERESTED)
        nb.am_interested = want

    def maybe_request(self, nb):
        if nb.closed or nb.choked_by or nb.requested is not None:
            return
        in_flight = {x.requested for x in self.neighbors.values() if x.requested is not None}
        options = [i for i in range(self.n) if nb.bits[i] and not self.have[i] and i not in in_flight]
        if options:
            nb.requested = random.choice(options)
            self.send(nb, REQUEST, struct.pack(">I", nb.requested))

    def check_done(self):
        if self.count < self.n:
            return
        for pid, _, _, _ in self.before + self.after:
            nb = self.neighbors.get(pid)
            if nb is None or nb.count < self.n:
                return
        self.done.set()

    def set_choke(self, nb, choke):
        if nb.am_choking != choke and not nb.closed:
            nb.am_choking = choke
            self.send(nb, CHOKE if choke else UNCHOKE)

    # ---- connections -------------------------------------------------------
    def start_connection(self, sock, expected):
        """Handshake (send first, then read exactly 32 bytes), then run the reader loop."""
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.sendall(HEADER + bytes(10) + struct.pack(">I", self.id))
            hs = recv_exact(sock, 32)
            pid = struct.unpack(">I", hs[28:])[0]
            known = {p[0] for p in self.after} if expected is None else {expected}
            if hs[:18] != HEADER or hs[18:28] != bytes(10) or pid not in known:
                err(f"bad handshake {hs!r} (expected {expected or 'a later peer'}): closing")
                sock.close()
                return
        except (OSError, EOFError) as e:
            err(f"handshake failed: {e}")
            sock.close()
            return
        with self.lock:
            if pid in self.neighbors:
                err(f"duplicate connection from {pid}: closing")
                sock.close()
                return
            nb = Neighbor(pid, sock, self.n)
            if self.count > 0 or self.args.always_send_bitfield:
                nb.out.put(frame(BITFIELD, self.bitfield_bytes()))
            self.neighbors[pid] = nb
            if expected is None:
                self.log(f"Peer {self.id} is connected from Peer {pid}.")
            else:
                self.log(f"Peer {self.id} makes a connection to Peer {pid}.")
            nb.writer = threading.Thread(target=self.writer_loop, args=(nb,), daemon=True)
            nb.writer.start()
            nb.reader = threading.current_thread()
        self.reader_loop(nb)

    def writer_loop(self, nb):
        try:
            while True:
                data = nb.out.get()
                if data is None:
                    break
                nb.sock.sendall(data)
            nb.sock.shutdown(socket.SHUT_WR)
        except OSError as e:
            if not self.done.is_set():
                err(f"send to {nb.id} failed: {e}")

    def reader_loop(self, nb):
        limit = 5 + self.psize + 16
        try:
            while True:
                length = struct.unpack(">I", recv_exact(nb.sock, 4))[0]
                if length < 1 or length > limit:
                    err(f"bad frame length {length} from {nb.id}: closing")
                    break
                body = recv_exact(nb.sock, length)
                with self.lock:
                    self.handle(nb, body[0], body[1:])
        except EOFError:
            pass
        except OSError as e:
            if not self.done.is_set():
                err(f"connection to {nb.id} failed: {e}")
        with self.lock:
            nb.closed = True
            nb.requested = None
            nb.out.put(None)
            self.preferred.discard(nb.id)
            if self.optimistic == nb.id:
                self.optimistic = None

    def handle(self, nb, t, payload):
        me, other = self.id, nb.id
        if t == CHOKE:
            self.log(f"Peer {me} is choked by {other}.")
            nb.choked_by = True
            nb.requested = None                  # void: may be asked of someone else
        elif t == UNCHOKE:
            self.log(f"Peer {me} is unchoked by {other}.")
            nb.choked_by = False
            self.maybe_request(nb)
        elif t == INTERESTED:
            self.log(f"Peer {me} received the 'interested' message from {other}.")
            nb.interested_in_us = True
        elif t == NOT_INTERESTED:
            self.log(f"Peer {me} received the 'not interested' message from {other}.")
            nb.interested_in_us = False
        elif t == HAVE and len(payload) == 4:
            i = struct.unpack(">I", payload)[0]
            if i >= self.n:
                return err(f"have {i} out of range from {other}")
            self.log(f"Peer {me} received the 'have' message from {other} for the piece {i}.")
            if not nb.bits[i]:
                nb.bits[i] = 1
                nb.count += 1
            self.update_interest(nb, always=True)
            self.maybe_request(nb)
            self.check_done()
        elif t == BITFIELD:
            if len(payload) != math.ceil(self.n / 8):
                return err(f"bitfield of {len(payload)} bytes from {other}: ignored")
            for i in range(self.n):
                nb.bits[i] = 1 if payload[i // 8] & (0x80 >> (i % 8)) else 0
            nb.count = sum(nb.bits)
            self.update_interest(nb, always=True)
            self.maybe_request(nb)
            self.check_done()
        elif t == REQUEST and len(payload) == 4:
            i = struct.unpack(">I", payload)[0]
            if nb.am_choking or i >= self.n or not self.have[i]:
                return  # drop silently, as the spec says
            self.send(nb, PIECE, payload + os.pread(self.fd, self.piece_len(i), i * self.psize))
        elif t == PIECE and len(payload) >= 4:
            self.on_piece(nb, struct.unpack(">I", payload[:4])[0], payload[4:])
        else:
            err(f"unexpected message type {t} ({len(payload)} bytes) from {other}: ignored")

    def on_piece(self, nb, i, data):
        if nb.requested == i:
            nb.requested = None
        if i >= self.n or len(data) != self.piece_len(i):
            err(f"bad piece {i} ({len(data)} bytes) from {nb.id}: ignored")
        elif not self.have[i]:
            os.pwrite(self.fd, data, i * self.psize)
            self.have[i] = 1
            self.count += 1
            nb.received += len(data)
            self.log(f"Peer {self.id} has downloaded the piece {i} from {nb.id}. "
                     f"Now the number of pieces it has is {self.count}.")
            if self.count == self.n:
                os.fsync(self.fd)
                self.log(f"Peer {self.id} has downloaded the complete file.")
            for other in self.neighbors.values():
                self.send(other, HAVE, struct.pack(">I", i))
            for other in self.neighbors.values():
                if other.am_interested and not self.wants_from(other):
                    self.update_interest(other, always=False)
                elif self.args.repeat_interested and other.am_interested:
                    self.send(other, INTERESTED)
        self.maybe_request(nb)
        self.check_done()

    # ---- choking rounds ------------------------------------------------------
    def choose_preferred(self):
        with self.lock:
            cands = [nb for nb in self.neighbors.values() if nb.interested_in_us and not nb.closed]
            random.shuffle(cands)                # ties are broken at random (the sort is stable)
            if self.count < self.n:
                cands.sort(key=lambda nb: nb.received, reverse=True)
            chosen = {nb.id for nb in cands[: self.k]}
            for nb in self.neighbors.values():
                nb.received = 0
                if nb.id in chosen:
                    self.set_choke(nb, False)
                elif nb.id != self.optimistic:
                    self.set_choke(nb, True)
            if chosen != self.preferred and chosen:
                self.log(f"Peer {self.id} has the preferred neighbors {','.join(map(str, sorted(chosen)))}.")
            self.preferred = chosen

    def choose_optimistic(self):
        with self.lock:
            cands = [nb for nb in self.neighbors.values()
                     if nb.am_choking and nb.interested_in_us and not nb.closed]
            if not cands:
                return
            old = self.optimistic
            nb = random.choice(cands)
            self.optimistic = nb.id
            self.set_choke(nb, False)
            self.log(f"Peer {self.id} has the optimistically unchoked neighbor {nb.id}.")
            if old is not None and old not in self.preferred and old in self.neighbors:
                self.set_choke(self.neighbors[old], True)

    def timer_loop(self):
        now = time.monotonic()
        next_p, next_m = now + self.p, now + self.m
        while not self.done.wait(max(0.0, min(next_p, next_m) - time.monotonic())):
            now = time.monotonic()
            if now >= next_p:
                self.choose_preferred()
                next_p = now + self.p
            if now >= next_m:
                self.choose_optimistic()
                next_m = now + self.m

    # ---- main ------------------------------------------------------------------
    def accept_loop(self, listener):
        while not self.done.is_set():
            try:
                sock, _ = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            sock.settimeout(None)
            threading.Thread(target=self.start_connection, args=(sock, None), daemon=True).start()

    def dial(self, pid, host, port):
        host = "127.0.0.1" if host == "localhost" else host
        deadline = time.monotonic() + 30
        while True:
            try:
                sock = socket.create_connection((host, port), timeout=5)
                sock.settimeout(None)
                break
            except OSError as e:                 # refused (not listening yet), timeout, reset
                if time.monotonic() > deadline:
                    return err(f"cannot reach {pid} at {host}:{port}: {e}")
                time.sleep(0.2)
        self.start_connection(sock, pid)

    def run(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(32)
        listener.settimeout(0.2)
        threading.Thread(target=self.accept_loop, args=(listener,), daemon=True).start()
        for pid, host, port, _ in self.before:
            threading.Thread(target=self.dial, args=(pid, host, port), daemon=True).start()
        threading.Thread(target=self.timer_loop, daemon=True).start()
        with self.lock:
            self.check_done()                    # a lone peer in PeerInfo.cfg is done at once
        self.done.wait()
        # Everyone has everything: flush our last haves, half-close, let the others close.
        with self.lock:
            nbs = list(self.neighbors.values())
            for nb in nbs:
                nb.out.put(None)
        listener.close()
        deadline = time.monotonic() + 5
        for nb in nbs:
            nb.writer.join(max(0.0, deadline - time.monotonic()))
        for nb in nbs:
            nb.reader.join(max(0.0, deadline - time.monotonic()))
        for nb in nbs:
            try:
                nb.sock.close()
            except OSError:
                pass
        os.close(self.fd)
        self.log_file.close()
        return 0


def recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("connection closed")
        buf += chunk
    return bytes(buf)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("peer_id", type=int)
    ap.add_argument("--config-dir", default=".")
    ap.add_argument("--peers-dir", default=".")
    ap.add_argument("--log-dir", default=".")
    ap.add_argument("--always-send-bitfield", action="store_true",
                    help="quirk: send a bitfield even when we have no piece")
    ap.add_argument("--repeat-interested", action="store_true",
                    help="quirk: resend 'interested' after every piece received")
    sys.exit(Peer(ap.parse_args()).run())


if __name__ == "__main__":
    main()
