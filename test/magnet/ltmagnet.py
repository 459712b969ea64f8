"""
libtorrent (Debian's python3-libtorrent, run with /usr/bin/python3) opening a
magnet link on 127.0.0.1 and stopping once it has the torrent's metadata, for
swarmlab's ut_metadata interop test. The link's x.pe peers are dialled.

    ltmagnet.py MAGNET --dir DIR --port N [--timeout S] [--parent PID]

stdout, JSON lines: {"state": "metadata", "name": ..., "infoHash": ...,
"pieces": ...} and exit 0; errors as ltclient.py's, with its exit codes.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support", "realClients"))
from ltclient import FAILED, FATAL_ALERTS, PARENT_GONE, TICK_S, TIMED_OUT, fail, loopback_session, lt, say  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("magnet")
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--parent", type=int)
    args = parser.parse_args()

    session = loopback_session(args.port)
    params = lt.parse_magnet_uri(args.magnet)
    params.save_path = args.dir
    params.flags &= ~(lt.torrent_flags.paused | lt.torrent_flags.auto_managed)
    handle = session.add_torrent(params)
    started = time.monotonic()
    while not handle.status().has_metadata:
        if args.parent is not None and os.getppid() != args.parent:
            fail(PARENT_GONE, f"parent process {args.parent} is gone")
        for alert in session.pop_alerts():
            if isinstance(alert, FATAL_ALERTS):
                fail(FAILED, alert.message())
        if time.monotonic() - started > args.timeout:
            fail(TIMED_OUT, f"no metadata after {args.timeout} s")
        time.sleep(TICK_S)
    info = handle.torrent_file()
    say(state="metadata", name=info.name(), infoHash=str(info.info_hashes().v1), pieces=info.num_pieces())
    del session


if __name__ == "__main__":
    main()
