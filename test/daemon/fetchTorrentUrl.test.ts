import * as http from 'http';
import { fetchTorrentUrl } from '../../src/daemon/fetchTorrentUrl.js';
import { MAX_METAINFO_BYTES } from '../../src/metainfo/limits.js';
import { freePort } from '../support/sockets.js';

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/x.torrent') return void res.end('d4:infod4:name1:xee');
    if (req.url === '/moved') return void res.writeHead(302, { location: '/x.torrent' }).end();
    if (req.url === '/huge') {
      // Sends more than the cap without end: the reader must stop, not buffer it all.
      res.writeHead(200);
      const chunk = Buffer.alloc(1 << 20);
      const pump = () => {
        while (res.write(chunk)) if (res.destroyed) return;
        res.once('drain', pump);
      };
      return pump();
    }
    res.writeHead(404, 'Not Found').end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

test('fetches the bytes, following a redirect', async () => {
  expect((await fetchTorrentUrl(`${base}/x.torrent`)).toString()).toBe('d4:infod4:name1:xee');
  expect((await fetchTorrentUrl(`${base}/moved`)).toString()).toBe('d4:infod4:name1:xee');
});

test.each([
  ['/missing', 'the server answered 404 Not Found'],
  ['/huge', `larger than ${MAX_METAINFO_BYTES} bytes`],
])('%s is refused as bad input, naming the URL: %s', async (route, why) => {
  await expect(fetchTorrentUrl(`${base}${route}`)).rejects.toMatchObject({ kind: 'bad-input', message: `${base}${route}: ${why}${route === '/huge' ? ': not a .torrent we take' : ''}` });
});

test('only http and https; nothing that is not a URL; nobody answering is said so', async () => {
  await expect(fetchTorrentUrl('file:///etc/passwd')).rejects.toMatchObject({ kind: 'bad-input', message: 'file:///etc/passwd: only http and https URLs are fetched' });
  await expect(fetchTorrentUrl('not a url')).rejects.toMatchObject({ kind: 'bad-input', message: '"not a url" is not a URL' });
  await expect(fetchTorrentUrl(`http://127.0.0.1:${await freePort()}/x.torrent`)).rejects.toMatchObject({ kind: 'bad-input', message: expect.stringContaining('cannot be fetched (ECONNREFUSED)') });
});
