#!/usr/bin/env python3
"""test/interop/pypeer.py with one deliberate fault, for swarmlab conform's tests.

    python3 brokenpeer.py <peerId> --fault NAME [pypeer's options]

Each fault breaks one rule of protocol.md and should make exactly that rule of
`swarmlab conform` fail. The faults are made on the way out (a socket wrapper
rewrites or adds frames) or by overriding one step of pypeer's Peer.
"""
import os
import random
import socket
import struct
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
import pypeer  # noqa: E402
from pypeer import BITFIELD, CHOKE, HAVE, INTERESTED, NOT_INTERESTED, PIECE, REQUEST, frame  # noqa: E402

FAULTS = {
    "bad-padding": "handshake byte 20 is 0x01",
    "wrong-id": "handshake carries the peer ID + 1",
    "waits-for-handshake": "sends its handshake only after the other side's",
    "spare-bits": "the bitfield's last spare bit set",
    "bitfield-not-first": "a 'not interested' before the bitfield",
    "claims-a-piece": "a leecher's bitfield claims piece 0",
    "never-interested": "never sends interested",
    "two-requests": "each request followed by a second one, for another piece it lacks",
    "request-while-choked": "a request 0.8 s after being choked",
    "no-have": "no have after a piece",
    "bad-piece-bytes": "the first byte of every piece served is wrong",
    "corrupt-file": "the first byte of every piece written is wrong",
    "never-exits": "never concludes that everyone has the file",
    "off-spec-log": "'is unchoked by Peer N.' (a 'Peer' too many)",
    "unchoke-too-many": "every interested neighbour unchoked after each re-choice (the log still names k)",
    "slow-rechoice": "the preferred neighbours re-chosen every 4 p instead of every p",
    "serve-before-unchoke": "answers requests from a neighbour it has never unchoked",
    "serve-after-choke": "answers requests from a neighbour it has choked again",
    "dials-later-peers": "also dials the peers listed after it",
    "ignores-have-interest": "a have received never changes its interest",
    "stays-interested": "never sends not interested",
    "asks-held": "after the last piece it wants from a neighbour, asks it for that piece again",
    "no-have-to-accepted": "no have to the neighbours that dialled it (those listed after it)",
    "never-optimistic": "never unchokes an optimistic neighbour",
    "prefers-slowest": "while leeching, prefers the neighbours that sent it the least",
    "request-twice": "asks each neighbour for the lowest piece it lacks, even one it awaits from another",
    "forget-choked-request": "a request cut by a choke stays 'requested' for ever: that piece is never asked again",
}

SLOW_RECHOICE_EVERY = 4


class FaultySocket:
    """A socket whose writes pass through the fault (frames are written whole by pypeer's writer)."""

    def __init__(self, sock, fault, peer, accepted):
        self._sock, self._fault, self._peer, self._accepted = sock, fault, peer, accepted
        self._handshake_sent = False

    def __getattr__(self, name):
        return getattr(self._sock, name)

    def sendall(self, data):
        if not self._handshake_sent:
            self._handshake_sent = True
            return self._sock.sendall(self._handshake(bytearray(data)))
        mtype = data[4] if len(data) >= 5 else None
        body = bytearray(data)
        if self._fault == "spare-bits" and mtype == BITFIELD:
            body[-1] |= 0x01
        if self._fault == "claims-a-piece" and mtype == BITFIELD:
            body[5] |= 0x80
        if self._fault == "bitfield-not-first" and mtype == BITFIELD:
            body = bytearray(frame(NOT_INTERESTED)) + body
        if self._fault == "never-interested" and mtype == INTERESTED:
            return None
        if (self._fault == "no-have" or (self._fault == "no-have-to-accepted" and self._accepted)) and mtype == HAVE:
            return None
        if self._fault == "stays-interested" and mtype == NOT_INTERESTED:
            return None
        if self._fault == "bad-piece-bytes" and mtype == PIECE:
            body[9] ^= 0xFF
        if self._fault == "two-requests" and mtype == REQUEST:
            index = struct.unpack(">I", data[5:9])[0]
            others = [i for i in range(self._peer.n) if i != index and not self._peer.have[i]]
            if others:
                body += frame(REQUEST, struct.pack(">I", others[0]))
        return self._sock.sendall(bytes(body))

    def _handshake(self, data):
        if self._fault == "bad-padding":
            data[20] = 0x01
        if self._fault == "wrong-id":
            data[28:32] = struct.pack(">I", self._peer.id + 1)
        if self._fault == "waits-for-handshake":
            self._sock.recv(32, socket.MSG_PEEK | socket.MSG_WAITALL)
        return bytes(data)


class BrokenPeer(pypeer.Peer):
    def start_connection(self, sock, expected):
        return super().start_connection(FaultySocket(sock, self.args.fault, self, expected is None), expected)

    def run(self):
        if self.args.fault == "dials-later-peers":
            for pid, host, port, _ in self.after:
                threading.Thread(target=self.dial, args=(pid, host, port), daemon=True).start()
        return super().run()

    def handle(self, nb, t, payload):
        if t == CHOKE and self.args.fault == "forget-choked-request" and nb.requested is not None:
            self.forgotten = getattr(self, "forgotten", set()) | {nb.requested}
        if t == HAVE and self.args.fault == "ignores-have-interest":
            self.update_interest = lambda nb, always: None
            try:
                return super().handle(nb, t, payload)
            finally:
                del self.update_interest
        if t == REQUEST and self._serves_while_choked(nb) and len(payload) == 4:
            i = struct.unpack(">I", payload)[0]
            if i < self.n and self.have[i]:
                self.send(nb, PIECE, payload + os.pread(self.fd, self.piece_len(i), i * self.psize))
            return
        super().handle(nb, t, payload)
        if self.args.fault == "request-while-choked" and t == CHOKE:
            timer = threading.Timer(0.8, self._request_anyway, args=(nb,))
            timer.daemon = True
            timer.start()

    def maybe_request(self, nb):
        """pypeer's, with the choice of pieces spoiled by the request faults."""
        if nb.closed or nb.choked_by or nb.requested is not None:
            return
        in_flight = {x.requested for x in self.neighbors.values() if x.requested is not None}
        if self.args.fault == "request-twice":
            in_flight = set()
        in_flight |= getattr(self, "forgotten", set())
        options = [i for i in range(self.n) if nb.bits[i] and not self.have[i] and i not in in_flight]
        if options:
            nb.requested = options[0] if self.args.fault == "request-twice" else random.choice(options)
            self.send(nb, REQUEST, struct.pack(">I", nb.requested))

    def _serves_while_choked(self, nb):
        if not nb.am_choking:
            return False
        ever_unchoked = getattr(nb, "ever_unchoked", False)
        return (self.args.fault == "serve-before-unchoke" and not ever_unchoked) or (self.args.fault == "serve-after-choke" and ever_unchoked)

    def set_choke(self, nb, choke):
        if not choke:
            nb.ever_unchoked = True
        super().set_choke(nb, choke)

    def choose_optimistic(self):
        if self.args.fault != "never-optimistic":
            super().choose_optimistic()

    def choose_preferred(self):
        if self.args.fault == "prefers-slowest":
            with self.lock:
                for nb in self.neighbors.values():
                    nb.received = -nb.received  # pypeer sorts by received, highest first
        if self.args.fault == "slow-rechoice":
            self._rechoice_calls = getattr(self, "_rechoice_calls", 0) + 1
            if self._rechoice_calls % SLOW_RECHOICE_EVERY != 0:
                return
        super().choose_preferred()
        if self.args.fault == "unchoke-too-many":
            with self.lock:
                for nb in self.neighbors.values():
                    if nb.interested_in_us:
                        self.set_choke(nb, False)

    def _request_anyway(self, nb):
        with self.lock:
            missing = [i for i in range(self.n) if not self.have[i]]
            if missing:
                self.send(nb, REQUEST, struct.pack(">I", missing[0]))

    def on_piece(self, nb, i, data):
        if self.args.fault == "corrupt-file" and data:
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        super().on_piece(nb, i, data)
        if self.args.fault == "asks-held" and not self.wants_from(nb) and not getattr(nb, "asked_held", False):
            nb.asked_held = True
            self.send(nb, REQUEST, struct.pack(">I", i))

    def check_done(self):
        if self.args.fault != "never-exits":
            super().check_done()

    def log(self, text):
        if self.args.fault == "off-spec-log":
            text = text.replace(" is unchoked by ", " is unchoked by Peer ")
        super().log(text)


def main():
    args = sys.argv[1:]
    if "--fault" not in args:
        sys.exit("brokenpeer: --fault NAME is required, one of: " + ", ".join(FAULTS))
    at = args.index("--fault")
    fault = args[at + 1]
    if fault not in FAULTS:
        sys.exit(f"brokenpeer: unknown fault {fault!r}, one of: " + ", ".join(FAULTS))
    del args[at:at + 2]
    flags = ["--always-send-bitfield"] if fault == "claims-a-piece" else []
    parser_args = pypeer_args(args + flags)
    parser_args.fault = fault
    sys.exit(BrokenPeer(parser_args).run())


def pypeer_args(argv):
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("peer_id", type=int)
    ap.add_argument("--config-dir", default=".")
    ap.add_argument("--peers-dir", default=".")
    ap.add_argument("--log-dir", default=".")
    ap.add_argument("--always-send-bitfield", action="store_true")
    ap.add_argument("--repeat-interested", action="store_true")
    return ap.parse_args(argv)


if __name__ == "__main__":
    main()
