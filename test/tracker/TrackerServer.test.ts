import * as http from 'http';
import * as net from 'net';
import { systemClock } from '../../src/common/Clock.js';
import type { AnnounceRequest } from '../../src/swarm/tracker/announce.js';
import { httpAnnouncer } from '../../src/swarm/tracker/httpAnnounce.js';
import { udpAnnouncer } from '../../src/swarm/tracker/udpAnnounce.js';
import { startTrackerServer, TrackerServerError, type RunningTracker, type TrackerAnnounce } from '../../src/tracker/TrackerServer.js';
import { LOOPBACK } from '../support/sockets.js';
import { withTimeout } from '../support/waiting.js';

const INFO_HASH = Buffer.alloc(20, 0xab);

function request(peer: number, event: AnnounceRequest['event']): AnnounceRequest {
  return { infoHash: INFO_HASH, peerId: Buffer.from(`-SL0100-peer${String(peer).padStart(8, '0')}`), port: 7000 + peer, uploaded: 0, downloaded: 0, left: 100, event, numwant: 50, key: peer };
}

const signal = () => AbortSignal.timeout(5_000);

describe('the local tracker (bittorrent-tracker\'s server)', () => {
  let tracker: RunningTracker;
  beforeEach(async () => {
    tracker = await startTrackerServer({ port: 0, bind: LOOPBACK });
  });
  afterEach(() => tracker.close());

  test('HTTP and UDP on one port of the bound address, both answering announces', async () => {
    expect(tracker.httpUrl).toBe(`http://127.0.0.1:${tracker.port}/announce`);
    expect(tracker.udpUrl).toBe(`udp://127.0.0.1:${tracker.port}`);
    const seen: TrackerAnnounce[] = [];
    tracker.onAnnounce((announce) => seen.push(announce));
    const overHttp = await httpAnnouncer({ localAddress: LOOPBACK })(new URL(tracker.httpUrl), request(1, 'started'), signal());
    const overUdp = await udpAnnouncer({ clock: systemClock, localAddress: LOOPBACK })(new URL(tracker.udpUrl), request(2, 'started'), signal());
    expect(overHttp.peers).toEqual([{ host: '127.0.0.1', port: 7001 }]);
    expect(overUdp.peers).toHaveLength(2);
    expect(overUdp.intervalS).toBe(600);
    expect(seen.map((a) => [a.event, a.protocol, a.peer])).toEqual([
      ['started', 'http', '127.0.0.1:7001'],
      ['started', 'udp', '127.0.0.1:7002'],
    ]);
    expect(seen[0].infoHashHex).toBe(INFO_HASH.toString('hex'));
    expect(tracker.swarm(INFO_HASH)).toEqual({ seeders: 0, leechers: 2 });
    expect(tracker.swarm(Buffer.alloc(20))).toBeUndefined();
  });

  test('its statistics page answers on the same port', async () => {
    const body = await new Promise<string>((resolve, reject) =>
      http
        .get(`${tracker.statsUrl}.json`, (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk)).on('end', () => resolve(text));
        })
        .on('error', reject),
    );
    expect(JSON.parse(body)).toMatchObject({ torrents: 0, peersAll: 0 });
  });

  test('a port already taken is refused with a clear reason', async () => {
    const second = startTrackerServer({ port: tracker.port, bind: LOOPBACK });
    await expect(second).rejects.toThrow(TrackerServerError);
    await expect(second).rejects.toMatchObject({ code: 'port-in-use', message: expect.stringContaining(`127.0.0.1 port ${tracker.port} is taken`) });
  });

  test('close() does not wait for a client that keeps its connection open, and frees the port', async () => {
    const idle = net.connect({ host: LOOPBACK, port: tracker.port });
    await new Promise((resolve) => idle.once('connect', resolve));
    await withTimeout(tracker.close(), 'the tracker to close');
    idle.destroy();
    const port = tracker.port;
    tracker = await startTrackerServer({ port, bind: LOOPBACK });
    expect(tracker.port).toBe(port);
  });
});

test('a bind address that is not an IP address is refused before anything listens', async () => {
  await expect(startTrackerServer({ port: 0, bind: 'localhost' })).rejects.toMatchObject({
    code: 'bad-address',
    message: "'localhost' is not an IP address (try 127.0.0.1, 0.0.0.0 or ::1)",
  });
});
