/**
 * The dashboard page in a real headless Chromium (Debian's), against a fake
 * swarm the test drives: the page loads under its CSP, fetches nothing from
 * elsewhere, fills piece cells as statuses come, shows the unchoke matrix and
 * the event stream, and its buttons send commands whose effect it shows.
 */
import { startDashboard, type Dashboard } from '../../src/dashboard/server';
import { FACTS, FakeSwarm } from './FakeSwarm';
import { openHeadless, paintedColumns, saveScreenshot, type HeadlessPage } from './chromium';

const PEERS = [1001, 1002, 1003, 1004, 1005];
/** More pieces than the strip has pixels (480): the shaded drawing is used. */
const PIECES = 1000;

let swarm: FakeSwarm;
let dashboard: Dashboard | undefined;
let browser: HeadlessPage | undefined;

afterEach(async () => {
  await browser?.close();
  await dashboard?.close();
  browser = dashboard = undefined;
});

const row = (peerId: number) => `#peers tr[data-peer="${peerId}"]`;

test('the page fills as the swarm pushes, and Pause on a peer is sent and shown', async () => {
  swarm = new FakeSwarm(PEERS, PIECES);
  dashboard = await startDashboard({ swarm, facts: { ...FACTS, pieceCount: PIECES }, flushIntervalMs: 50 });
  browser = await openHeadless(dashboard.url);
  const { page } = browser;
  await page.goto(dashboard.url);
  await page.waitForSelector('#connection[data-state="open"]');
  expect(await page.locator('#peers tbody tr').count()).toBe(PEERS.length);
  expect(await page.textContent('#facts')).toContain(`${PIECES} pieces`);

  // Every peer starts; the seeder's strip is full, the leechers' empty.
  swarm.startAll();
  await page.waitForSelector(`${row(1001)}[data-pieces-held="${PIECES}"][data-lifecycle="running"]`);
  expect(await paintedColumns(page, 1001)).toBe(480);
  expect(await paintedColumns(page, 1002)).toBe(0);

  // Cells fill as pieces arrive: a quarter of 1002's pieces, then half.
  swarm.givePieces(1002, range(0, 250));
  await page.waitForSelector(`${row(1002)}[data-pieces-held="250"]`);
  expect(await paintedColumns(page, 1002)).toBe(120);
  swarm.givePieces(1002, range(250, 500));
  await page.waitForSelector(`${row(1002)}[data-pieces-held="500"]`);
  expect(await paintedColumns(page, 1002)).toBe(240);
  expect(await page.textContent(`${row(1002)} td[data-field="held"]`)).toBe(`500 / ${PIECES}`);

  // The matrix: 1001 prefers the next two peers and optimistically unchokes the third.
  const cell = (from: number, to: number) => page.getAttribute(`#matrix td[data-from="${from}"][data-to="${to}"]`, 'data-kind');
  expect([await cell(1001, 1002), await cell(1001, 1003), await cell(1001, 1004), await cell(1001, 1005)]).toEqual(['preferred', 'preferred', 'optimistic', 'choked']);

  // The event stream shows protocol lines, tagged with their peer.
  swarm.log(1003, ['[2026-11-21 10:15:04]: Peer 1003 is unchoked by 1001.']);
  await page.waitForSelector('#events li[data-peer="1003"]:has-text("is unchoked by 1001")');

  // Pause: the command reaches the swarm, the row shows it, the peer drops out of the matrix.
  await page.click(`${row(1002)} button[data-action="pause"]`);
  await page.waitForSelector(`${row(1002)}[data-state="paused"]`);
  expect(swarm.commands).toEqual([{ peerId: 1002, command: { kind: 'pause' } }]);
  expect(await page.textContent(`${row(1002)} td[data-field="state"]`)).toBe('paused');
  expect(await page.textContent(`${row(1002)} td[data-field="down"]`)).toBe('\u2014'); // no connection, no rate
  expect(await page.isDisabled(`${row(1002)} button[data-action="pause"]`)).toBe(true);
  expect(await page.isEnabled(`${row(1002)} button[data-action="resume"]`)).toBe(true);
  await page.waitForSelector('#notices li[data-kind="ok"]:has-text("peer 1002 pause: done")');
  for (const other of PEERS) if (other !== 1002) expect(await cell(1002, other)).toBe('none');

  // A rate limit: a bad one is refused with a message, a good one is sent.
  await page.fill(`${row(1003)} input[data-field="limit-up"]`, 'fast');
  await page.click(`${row(1003)} button[data-action="set-limits"]`);
  await page.waitForSelector(`#notices li[data-kind="error"]:has-text("bad upload rate 'fast'")`);
  await page.fill(`${row(1003)} input[data-field="limit-up"]`, '500KiB/s');
  await page.press(`${row(1003)} input[data-field="limit-up"]`, 'Enter');
  await page.waitForSelector(`${row(1003)} input[data-field="limit-up"][placeholder="500KiB/s"]`);
  expect(swarm.commands.at(-1)).toEqual({ peerId: 1003, command: { kind: 'set-limits', limits: { uploadBytesPerSecond: 512_000, downloadBytesPerSecond: null } } });

  // Kill and restart show in the row.
  await page.click(`${row(1005)} button[data-action="kill"]`);
  await page.waitForSelector(`${row(1005)}[data-lifecycle="killed"]`);
  await page.click(`${row(1005)} button[data-action="restart"]`);
  await page.waitForSelector(`${row(1005)}[data-lifecycle="running"]`);
  expect({ kills: swarm.kills, restarts: swarm.restarts }).toEqual({ kills: [1005], restarts: [1005] });

  await saveScreenshot(page, 'dashboard-fake.png');
  expect(browser.foreignRequests).toEqual([]);
  expect(browser.errors).toEqual([]);
}, 60_000);

test('the page shows that the dashboard went away', async () => {
  swarm = new FakeSwarm(PEERS, 8);
  dashboard = await startDashboard({ swarm, facts: { ...FACTS, pieceCount: 8 } });
  browser = await openHeadless(dashboard.url);
  await browser.page.goto(dashboard.url);
  await browser.page.waitForSelector('#connection[data-state="open"]');
  await dashboard.close();
  dashboard = undefined;
  await browser.page.waitForSelector('#connection[data-state="closed"]');
}, 30_000);

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
