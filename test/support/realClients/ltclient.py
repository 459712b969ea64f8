"""
libtorrent (Debian's python3-libtorrent, run with /usr/bin/python3) seeding or
downloading one torrent on 127.0.0.1, for swarmlab's interop tests.

    ltclient.py seed|download TORRENT --dir DIR --port N [--timeout S] [--parent PID]
                [--dht-bootstrap 127.0.0.1:PORT]

With --dht-bootstrap its DHT is on, started from that node alone and kept on
loopback (libtorrent otherwise refuses such addresses in its routing table and
searches); without it the DHT is off.

It talks on stdout in JSON lines:
  seed:     {"state": "seeding"} once its data checked good; then seeds until
            SIGTERM/SIGINT (exit 0). Data that does not check: an error, exit 1.
  download: {"state": ..., "progress": ...} about every second, then
            {"state": "finished"} and exit 0 once every piece is in and
            verified (libtorrent checks each piece's SHA-1 as it arrives).
  errors:   {"error": "..."} and a non-zero exit: 1 a libtorrent error,
            2 the timeout, 3 libtorrent missing, 4 the parent process gone.
"""
import argparse
import json
import os
import signal
import sys
import time

MISSING = 3
try:
    import libtorrent as lt
except ImportError as error:
    print(json.dumps({"error": f"python3-libtorrent is missing ({error}): run `npm run setup` (it installs Debian's python3-libtorrent)"}), flush=True)
    sys.exit(MISSING)

TICK_S = 0.1
PROGRESS_EVERY_S = 1.0
FAILED, TIMED_OUT, PARENT_GONE = 1, 2, 4
FATAL_ALERTS = (lt.torrent_error_alert, lt.file_error_alert, lt.listen_failed_alert)


def say(**fields):
    print(json.dumps(fields), flush=True)


def fail(code, message):
    say(error=message)
    sys.exit(code)


def loopback_session(port, dht_bootstrap=None):
    dht = {
        "enable_dht": True,
        "dht_bootstrap_nodes": dht_bootstrap,
        "dht_restrict_routing_ips": False,
        "dht_restrict_search_ips": False,
        "dht_prefer_verified_node_ids": False,
    } if dht_bootstrap else {"enable_dht": False}
    return lt.session({
        "listen_interfaces": f"127.0.0.1:{port}",
        "outgoing_interfaces": "127.0.0.1",
        **dht,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "enable_outgoing_utp": False,
        "enable_incoming_utp": False,
        # Every peer of a test is on 127.0.0.1: without this they count as one.
        "allow_multiple_connections_per_ip": True,
        # The `stopped` announce on exit; the tracker is on loopback.
        "stop_tracker_timeout": 2,
        "alert_mask": lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
    })


def add_torrent(session, torrent, directory):
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(torrent)
    params.save_path = directory
    # Start at once, outside the queue; seed_mode off: a seeder checks its data first.
    params.flags &= ~(lt.torrent_flags.paused | lt.torrent_flags.auto_managed | lt.torrent_flags.seed_mode)
    return session.add_torrent(params)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["seed", "download"])
    parser.add_argument("torrent")
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--timeout", type=float, default=120.0, help="a downloader gives up after this many seconds")
    parser.add_argument("--parent", type=int, help="stop when this process is no longer our parent (it died)")
    parser.add_argument("--dht-bootstrap", help="host:port of the one DHT node to start from, on 127.0.0.1 (default: no DHT)")
    args = parser.parse_args()

    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.append(True))

    session = loopback_session(args.port, args.dht_bootstrap)
    handle = add_torrent(session, args.torrent, args.dir)
    started = time.monotonic()
    last_progress = 0.0
    said_seeding = False
    checked = False
    while not stopping:
        if args.parent is not None and os.getppid() != args.parent:
            fail(PARENT_GONE, f"parent process {args.parent} is gone")
        for alert in session.pop_alerts():
            if isinstance(alert, FATAL_ALERTS):
                fail(FAILED, alert.message())
            if isinstance(alert, lt.torrent_checked_alert):
                checked = True
            if isinstance(alert, (lt.tracker_error_alert, lt.hash_failed_alert)):
                say(warning=alert.message())
        status = handle.status()
        if args.role == "seed":
            if checked and not said_seeding:
                if not status.is_seeding:
                    fail(FAILED, f"the data in {args.dir} does not match the torrent: {status.num_pieces} of {handle.torrent_file().num_pieces()} pieces check")
                say(state="seeding")
                said_seeding = True
        else:
            if status.is_seeding:
                say(state="finished", seconds=round(time.monotonic() - started, 3))
                break
            if time.monotonic() - started > args.timeout:
                fail(TIMED_OUT, f"not complete after {args.timeout} s: {status.num_pieces} pieces, {status.num_peers} peers")
            if time.monotonic() - last_progress >= PROGRESS_EVERY_S:
                last_progress = time.monotonic()
                say(state=str(status.state), progress=round(status.progress, 4), peers=status.num_peers, downloadRate=status.download_rate)
        time.sleep(TICK_S)
    # Deleting the session sends the `stopped` announce (up to stop_tracker_timeout).
    del session


if __name__ == "__main__":
    main()
