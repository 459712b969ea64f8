/**
 * The daemon's web UI in Debian's headless Chromium, against a real
 * `swarmlab daemon` process that downloads from a real aria2 seeder through
 * our tracker: the first-run screen, the add dialog (a .torrent file, a
 * magnet link, a bad magnet link), a torrent's page, Pause, Resume, Remove +
 * data and the global limits, all through the page's own controls. Then the
 * token path: an API server with a token over an in-process daemon, where
 * the page asks for the token and, once given, loads the list and follows
 * its events. A screenshot of the torrent page goes to logs/artifacts/webui.png.
 */
import { jest } from '@jest/globals';
import * as fs from 'fs';
import * as path from 'path';
import { ApiClient } from '../../../src/daemon/api/ApiClient.js';
import { startApiServer, type ApiServer } from '../../../src/daemon/api/ApiServer.js';
import { Daemon } from '../../../src/daemon/Daemon.js';
import { serveWebUi, WEB_UI_PATHS } from '../../../src/daemon/web/webUi.js';
import { MULTI_FILE, sameTree } from '../../support/realClients/torrentFixtures.js';
import { realClientsSuite, SEEDER_READY_MS } from '../../support/realClients/suite.js';
import { inProcessDaemonOptions, startDaemonProcess, type RunningDaemon } from '../../support/daemonProcess.js';
import { eventuallyAsync } from '../../support/polling.js';
import { freePort, LOOPBACK } from '../../support/sockets.js';
import { openHeadless, saveScreenshot, type HeadlessPage } from '../../dashboard/chromium.js';
import { newestNotice, press, tableHasCell, unexpectedErrors, untilInPage, untilSelector, WAIT_MS } from './webUiPage.js';

jest.setTimeout(180_000);

const suite = realClientsSuite();
let daemonProcess: RunningDaemon | undefined;
let inProcess: { daemon: Daemon; api: ApiServer } | undefined;
let browser: HeadlessPage | undefined;

afterEach(async () => {
  await browser?.close();
  // Only the process this test started, by its pid.
  await daemonProcess?.process.stop();
  await inProcess?.api.close();
  await inProcess?.daemon.close();
  browser = daemonProcess = inProcess = undefined;
});

const row = (id: string) => `#torrents tr[data-id="${id}"]`;
const button = (id: string, action: string) => `${row(id)} button[data-action="${action}"]`;

/** The API's refusal of `magnet`, as the daemon words it. */
async function refusal(api: ApiClient, magnet: string): Promise<string> {
  try {
    await api.add({ magnet });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`the daemon took ${magnet}`);
}

test('first run, a .torrent downloaded from aria2, its page, pause, resume, remove + data, a magnet link, the limits and a bad link: all from the page', async () => {
  const fixture = suite.fixture('multi-file');
  await suite.swarm.seeder('aria2', fixture, SEEDER_READY_MS);
  const work = path.join(fixture.seedDir, '..');
  daemonProcess = await startDaemonProcess({ dataDir: path.join(work, 'webui-daemon') });
  const { api, apiUrl } = daemonProcess;
  browser = await openHeadless(`${apiUrl}/`);
  const { page } = browser;
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(`${apiUrl}/`);

  // A fresh data folder: the first-run screen asks where downloads go.
  await untilSelector(page, '#first-run', 'the first-run screen');
  await untilSelector(page, '#connection[data-state="open"]', 'the event stream to open');
  const downloads = path.join(work, 'webui-downloads');
  await page.fill('#first-run-dir', downloads);
  await press(page, '#first-run-save', 'Save on the first-run screen');
  await untilSelector(page, '#first-run', 'the first-run screen to hide after Save', 'hidden');
  expect(await api.info()).toMatchObject({ firstRun: false, downloadDir: downloads });

  // The .torrent file through the add dialog: it downloads into that folder and seeds.
  await press(page, '#add-open', 'Add torrent…');
  await page.setInputFiles('#add-file', fixture.torrent);
  await press(page, '#add-submit', 'Add in the add dialog');
  await untilSelector(page, '#torrents tr[data-id]', 'a row for the added torrent');
  const id = (await page.getAttribute('#torrents tr[data-id]', 'data-id'))!;

  // Its page (open while it downloads): its row reaches 100% and seeds; files, every piece held, the tracker.
  await press(page, button(id, 'open'), 'the torrent\'s name');
  await untilSelector(page, '#detail', 'the torrent page');
  await untilSelector(page, `${row(id)}[data-state="seeding"][data-progress="1"]`, 'the torrent to reach 100% and seed');
  await sameTree(fixture.original, path.join(downloads, fixture.name));
  for (const [file] of MULTI_FILE.files) {
    await untilInPage(page, tableHasCell, { tableSelector: '#files', text: `${MULTI_FILE.name}/${file}` }, `${file} in the files table`);
  }
  const { pieceCount } = await api.get(id);
  await untilSelector(page, `#piece-map[data-held="${pieceCount}"]`, `the piece map to hold all ${pieceCount} pieces`, 'attached');
  await untilInPage(page, tableHasCell, { tableSelector: '#trackers', text: suite.tracker.announceUrl }, 'the tracker in the trackers table');
  await saveScreenshot(page, 'webui.png');

  // A file's priority and the first-and-last option, from the torrent page: the daemon keeps them.
  await page.selectOption('#files tr[data-file="5"] select', 'high');
  await untilSelector(page, '#files tr[data-file="5"][data-priority="high"]', 'z.bin\'s row to say high', 'attached');
  expect((await api.get(id)).files.find((file) => file.index === 5)?.priority).toBe('high');
  await page.check('#first-last');
  await eventuallyAsync(async () => (await api.get(id)).firstAndLastFirst, 'the daemon to take first-and-last-first', WAIT_MS);

  // Pause, then Resume.
  await press(page, button(id, 'pause'), 'Pause');
  await untilSelector(page, `${row(id)}[data-state="paused"]`, 'the row to say paused');
  expect((await api.get(id)).state).toBe('paused');
  await press(page, button(id, 'resume'), 'Resume');
  await untilSelector(page, `${row(id)}[data-state="seeding"]`, 'the row to seed again after Resume');

  // Remove + data (the page asks first; the dialog handler says yes): the row and the files go.
  await press(page, button(id, 'remove-data'), 'Remove + data');
  await untilSelector(page, row(id), 'the row to go after Remove + data', 'detached');
  await eventuallyAsync(async () => !fs.existsSync(path.join(downloads, fixture.name)), 'the files to be deleted', WAIT_MS);
  expect(await api.list()).toEqual([]);

  // A magnet link, added paused: its dn names the row until the metadata comes.
  const magnetHash = 'ab'.repeat(20);
  await press(page, '#add-open', 'Add torrent…');
  await page.fill('#add-link', `magnet:?xt=urn:btih:${magnetHash}&dn=web%20magnet`);
  await page.check('#add-paused');
  await press(page, '#add-submit', 'Add in the add dialog');
  await untilSelector(page, `${row(magnetHash)}[data-state="paused"]`, 'the magnet link\'s row, paused');
  expect(await page.textContent(`${row(magnetHash)} [data-field="name"]`)).toBe('web magnet');

  // A bad magnet link: the daemon's error as a notice, and the page goes on.
  const badMagnet = 'magnet:?xt=urn:btih:not-a-hash';
  await press(page, '#add-open', 'Add torrent…');
  await page.fill('#add-link', badMagnet);
  await press(page, '#add-submit', 'Add in the add dialog');
  const error = await refusal(api, badMagnet);
  await untilInPage(page, newestNotice, { kind: 'error', contains: `add: ${error}` }, `the notice "add: ${error}"`);
  await press(page, '#add-cancel', 'Cancel in the add dialog');

  // The global limits from the header.
  await page.fill('#limit-down', '500k');
  await press(page, '#limits-set', 'Set beside the limits');
  await untilInPage(page, newestNotice, { kind: 'ok', contains: 'limits set' }, 'the notice "limits set"');
  expect((await api.info()).limits).toEqual({ downloadRate: 512_000, uploadRate: null });
  expect(await page.getAttribute('#limit-down', 'placeholder')).toBe('500 KiB/s');

  expect(browser.foreignRequests).toEqual([]);
  // 400: the bad link, said by the daemon on purpose. 404: the open page's refresh may cross the removal of its torrent (the page says nothing then).
  expect(unexpectedErrors(browser.errors, [400, 404])).toEqual([]);
});

test('with a token: the page loads, asks for the token after a 401, and once given lists the torrents and follows the events', async () => {
  const dataDir = path.join(suite.fixture('single-file').seedDir, '..', 'webui-token-daemon');
  const daemon = await Daemon.open(inProcessDaemonOptions(dataDir, await freePort()));
  const token = 'c0ffee'.repeat(8);
  inProcess = { daemon, api: await startApiServer({ daemon, host: LOOPBACK, port: 0, token, version: '0.0.0-test', page: serveWebUi, pagePaths: WEB_UI_PATHS }) };
  const before = await daemon.add({ kind: 'magnet', link: `magnet:?xt=urn:btih:${'01'.repeat(20)}&dn=before` }, { paused: true });

  browser = await openHeadless(`${inProcess.api.url}/`);
  const { page } = browser;
  await page.goto(`${inProcess.api.url}/`);
  await untilSelector(page, '#token-box', 'the token box after the API said 401');
  expect(await page.locator('#torrents tr[data-id]').count()).toBe(0);

  await page.fill('#token', token);
  await press(page, '#token-save', 'Use it beside the token');
  await untilSelector(page, '#token-box', 'the token box to hide', 'hidden');
  await untilSelector(page, '#connection[data-state="open"]', 'the event stream to open with the token');
  await untilSelector(page, `${row(before.torrent.id)}[data-state="paused"]`, 'the torrent added before the token to be listed');

  // An event: a torrent added now shows up without a reload.
  const after = await daemon.add({ kind: 'magnet', link: `magnet:?xt=urn:btih:${'02'.repeat(20)}&dn=after` }, { paused: true });
  await untilSelector(page, row(after.torrent.id), 'the torrent added after the token to appear through the events');
  expect(await page.textContent(`${row(after.torrent.id)} [data-field="name"]`)).toBe('after');

  expect(browser.foreignRequests).toEqual([]);
  expect(unexpectedErrors(browser.errors, [401])).toEqual([]);
});
