/**
 * The dashboard page in a real headless Chromium (Debian's), against a fake
 * swarm the test drives: the page loads under its CSP, fetches nothing from
 * elsewhere, fills piece cells as statuses come, shows the unchoke matrix and
 * the event stream, and its buttons send commands whose effect it shows.
 */
import type { Page } from 'playwright-core';
import { FakeSwarm } from './FakeSwarm.js';
import { FakeDashboardPage, row } from './FakeDashboardPage.js';
import { paintedColumns, saveScreenshot } from './chromium.js';

const PEERS = [1001, 1002, 1003, 1004, 1005];
/** More pieces than the strip has pixels: the shaded drawing is used. */
const PIECES = 1000;

let swarm: FakeSwarm;
let opened: FakeDashboardPage | undefined;

afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

test('the page fills as the swarm pushes, and Pause on a peer is sent and shown', async () => {
  swarm = new FakeSwarm(PEERS, PIECES);
  opened = await FakeDashboardPage.open(swarm, { flushIntervalMs: 50 });
  const { page, browser } = opened;
  expect(await page.locator('#peers tbody tr').count()).toBe(PEERS.length);
  expect(await page.textContent('#facts')).toContain(`${PIECES} pieces`);

  // Every peer starts; the seeder's strip is full, the leechers' empty.
  swarm.startAll();
  await page.waitForSelector(`${row(1001)}[data-pieces-held="${PIECES}"][data-lifecycle="running"]`);
  const stripWidth = Number(await page.getAttribute(`${row(1001)} canvas`, 'width'));
  expect(await paintedColumns(page, 1001)).toBe(stripWidth);
  expect(await paintedColumns(page, 1002)).toBe(0);

  // Cells fill as pieces arrive: a quarter of 1002's pieces, then half.
  swarm.givePieces(1002, range(0, 250));
  await page.waitForSelector(`${row(1002)}[data-pieces-held="250"]`);
  expect(await paintedColumns(page, 1002)).toBe(stripWidth / 4);
  swarm.givePieces(1002, range(250, 500));
  await page.waitForSelector(`${row(1002)}[data-pieces-held="500"]`);
  expect(await paintedColumns(page, 1002)).toBe(stripWidth / 2);
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

/** Every button and rate box of the peers' table, and how many of them are enabled. */
async function enabledControls(page: Page): Promise<{ controls: number; enabled: number }> {
  const controls = page.locator('#peers button, #peers input');
  const states = await Promise.all((await controls.all()).map((control) => control.isEnabled()));
  return { controls: states.length, enabled: states.filter(Boolean).length };
}

/** 4 buttons, 2 rate boxes and Set in each row. */
const CONTROLS = PEERS.length * 7;

test('the page shows that the dashboard went away, and its controls stop working', async () => {
  swarm = new FakeSwarm(PEERS, 8);
  opened = await FakeDashboardPage.open(swarm);
  const { page } = opened;
  swarm.startAll();
  await page.waitForSelector(`${row(1005)}[data-lifecycle="running"]`);
  expect((await enabledControls(page)).enabled).toBeGreaterThan(0);
  await opened.closeDashboard();
  await page.waitForSelector('#connection[data-state="closed"]');
  expect(await enabledControls(page)).toEqual({ controls: CONTROLS, enabled: 0 });
}, 30_000);

test('after the run the page says it ended and how, every control is disabled, and it still does once the dashboard closes', async () => {
  swarm = new FakeSwarm(PEERS, 8);
  opened = await FakeDashboardPage.open(swarm);
  const { page, browser } = opened;
  swarm.startAll();
  swarm.kill(1004);
  await page.waitForSelector(`${row(1004)}[data-lifecycle="killed"]`);
  expect(await page.isEnabled(`${row(1004)} button[data-action="restart"]`)).toBe(true);

  swarm.endRun({ 1003: { kind: 'exited', code: 1, signal: null }, 1004: { kind: 'stopped', because: 'killed from the control interface' } });
  await page.waitForSelector('#connection[data-state="ended"][data-outcome="failed"]');
  const summary = '2 of 5 peers did not finish (exited with 1: 1003; stopped (killed from the control interface): 1004)';
  expect(await page.textContent('#connection')).toBe(`ended: ${summary}`);
  expect(await enabledControls(page)).toEqual({ controls: CONTROLS, enabled: 0 });
  expect(await page.textContent('#events li:last-child')).toBe(`the run has ended: ${summary}`);
  // A peer that has gone has no neighbours, whatever its last status said.
  expect(await page.textContent(`${row(1002)} td[data-field="neighbours"]`)).toBe('\u2014');

  // A page opened (or reloaded) after the end shows it from its snapshot.
  await page.reload();
  await page.waitForSelector('#connection[data-state="ended"]');
  expect(await enabledControls(page)).toEqual({ controls: CONTROLS, enabled: 0 });

  await opened.closeDashboard();
  await page.waitForSelector('#connection[data-state="ended"]:has-text("(the dashboard has closed)")');
  expect(await enabledControls(page)).toEqual({ controls: CONTROLS, enabled: 0 });
  expect(browser.errors).toEqual([]);
}, 30_000);

test('a run where every peer finished ends as "all finished"', async () => {
  swarm = new FakeSwarm(PEERS, 8);
  opened = await FakeDashboardPage.open(swarm);
  const { page } = opened;
  swarm.startAll();
  swarm.endRun();
  await page.waitForSelector('#connection[data-state="ended"][data-outcome="finished"]');
  expect(await page.textContent('#connection')).toBe(`ended: all ${PEERS.length} peers finished`);
  expect(await enabledControls(page)).toEqual({ controls: CONTROLS, enabled: 0 });
}, 30_000);

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
