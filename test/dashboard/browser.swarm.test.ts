/**
 * The dashboard of a REAL swarm (peerProcess processes on 127.0.0.1 started by
 * SwarmLauncher, in a temp dir) in Debian's headless Chromium: the cells fill
 * as pieces arrive; Pause on a leecher takes effect (it drops its neighbours,
 * the others drop it, and its piece count stands still while theirs grows);
 * Resume, and it finishes; the page then says the run has ended. A
 * screenshot of the paused swarm is saved to logs/artifacts/dashboard.png.
 */
import type { Page } from 'playwright-core';
import { dashboardFacts } from '../../src/dashboard/facts.js';
import { startDashboard, type Dashboard } from '../../src/dashboard/server.js';
import type { SwarmLauncher, SwarmRun } from '../../src/launcher/SwarmLauncher.js';
import { verifyCopies } from '../../src/launcher/verifyCopies.js';
import type { SwarmSetup } from '../support/swarmDir.js';
import { SLOW_LEECHER_ARGS, slowSwarm } from '../support/liveSwarm.js';
import { withTimeout } from '../support/waiting.js';
import { openHeadless, paintedColumns, saveScreenshot, type HeadlessPage } from './chromium.js';

const PAUSED = 1003;
const WAIT_MS = 30_000;

let setup: SwarmSetup | undefined;
let launcher: SwarmLauncher | undefined;
let running: Promise<SwarmRun> | undefined;
let dashboard: Dashboard | undefined;
let browser: HeadlessPage | undefined;

afterEach(async () => {
  await browser?.close();
  await dashboard?.close();
  // Only the processes this test started, through their launcher; it SIGKILLs any that linger.
  launcher?.stopAll('test over');
  if (running) await withTimeout(running, 'the peers to exit', 10_000).catch(() => undefined);
  setup?.remove();
  browser = dashboard = launcher = running = setup = undefined;
});

const row = (peerId: number) => `#peers tr[data-peer="${peerId}"]`;

function heldOnPage(page: Page, peerId: number): Promise<number> {
  return page.getAttribute(row(peerId), 'data-pieces-held').then(Number);
}

/** The row's life cycle, state and pieces held, to say why a control stays disabled. */
async function rowState(page: Page, peerId: number): Promise<string> {
  const [lifecycle, state, held] = await Promise.all(['data-lifecycle', 'data-state', 'data-pieces-held'].map((name) => page.getAttribute(row(peerId), name)));
  return `lifecycle ${lifecycle}, state ${state}, ${held} pieces`;
}

/** The little of the page's DOM the probes read (the project compiles without DOM types). */
type PageDom = { querySelectorAll(selector: string): ArrayLike<{ dataset: Record<string, string | undefined> }> };

/** A wait on the page (probes run in it are functions, not strings: its CSP forbids evaluating strings), failing with what it waited for. */
async function described<T>(wait: Promise<T>, describe: string): Promise<T> {
  try {
    return await wait;
  } catch (error) {
    throw new Error(`timed out after ${WAIT_MS} ms waiting for ${describe} (${error instanceof Error ? error.message.split('\n')[0] : error})`);
  }
}

/** In the page: the rows of these peers show at least this many pieces between them. */
function rowsHold({ peers, atLeast }: { peers: number[]; atLeast: number }): boolean {
  const dom = (globalThis as unknown as { document: PageDom }).document;
  const rows = Array.from(dom.querySelectorAll('#peers tr[data-peer]'));
  return rows.filter((tr) => peers.includes(Number(tr.dataset.peer))).reduce((sum, tr) => sum + Number(tr.dataset.piecesHeld), 0) >= atLeast;
}

/** In the page: nobody unchokes this peer and it unchokes nobody (every matrix cell of its row and column empty). */
function matrixEmptyFor(peerId: number): boolean {
  const dom = (globalThis as unknown as { document: PageDom }).document;
  const cells = Array.from(dom.querySelectorAll(`#matrix td[data-to="${peerId}"], #matrix td[data-from="${peerId}"]`));
  return cells.length > 0 && cells.every((td) => td.dataset.kind === 'none' || td.dataset.kind === 'self');
}

test('a real swarm: cells fill, Pause on a leecher takes effect, Resume and it finishes', async () => {
  const live = await slowSwarm(new Map([[PAUSED, SLOW_LEECHER_ARGS]]));
  ({ setup, launcher } = live);
  const { config, peersDir } = live;
  const { pieceCount } = config.common;
  dashboard = await startDashboard({ swarm: launcher, facts: dashboardFacts(config) });
  browser = await openHeadless(dashboard.url);
  const { page } = browser;
  await page.goto(dashboard.url);
  await page.waitForSelector('#connection[data-state="open"]');
  running = launcher.run();

  // Cells fill as pieces arrive.
  await described(page.waitForFunction(rowsHold, { peers: [PAUSED], atLeast: 5 }, { timeout: WAIT_MS }), `peer ${PAUSED} to show 5 pieces`);
  expect(await paintedColumns(page, PAUSED)).toBeGreaterThan(0);
  expect(await page.getAttribute(row(1001), 'data-pieces-held')).toBe(String(pieceCount));

  // Pause: the row says so, the peer has no neighbour left, and nobody unchokes it or is unchoked by it.
  const pause = `${row(PAUSED)} button[data-action="pause"]`;
  await page.waitForSelector(`${pause}:enabled`, { timeout: WAIT_MS }).catch(async (error: Error) => {
    throw new Error(`the Pause button of peer ${PAUSED} stayed disabled (${await rowState(page, PAUSED)}): ${error.message.split('\n')[0]}`);
  });
  await page.click(pause);
  await page.waitForSelector(`${row(PAUSED)}[data-state="paused"][data-neighbours="0"]`, { timeout: WAIT_MS });
  await described(page.waitForFunction(matrixEmptyFor, PAUSED, { timeout: WAIT_MS }), `every matrix cell to and from peer ${PAUSED} to empty`);
  const heldWhenPaused = await heldOnPage(page, PAUSED);
  const paintedWhenPaused = await paintedColumns(page, PAUSED);
  expect(heldWhenPaused).toBeLessThan(pieceCount);

  // The others go on without it; its count and its cells stand still.
  // 20 more pieces between them, or all they can hold: on a slow machine the first leecher may be nearly done by now.
  const othersBefore = (await heldOnPage(page, 1002)) + (await heldOnPage(page, 1004));
  const othersTarget = Math.min(othersBefore + 20, 2 * pieceCount);
  await described(page.waitForFunction(rowsHold, { peers: [1002, 1004], atLeast: othersTarget }, { timeout: WAIT_MS }), `the other leechers to gain ${othersTarget - othersBefore} pieces`);
  expect(await heldOnPage(page, PAUSED)).toBe(heldWhenPaused);
  expect(await paintedColumns(page, PAUSED)).toBe(paintedWhenPaused);
  expect(await page.getAttribute(row(PAUSED), 'data-state')).toBe('paused');
  await saveScreenshot(page, 'dashboard.png');

  // Resume: it connects again and finishes.
  await page.click(`${row(PAUSED)} button[data-action="resume"]`);
  await page.waitForSelector(`${row(PAUSED)}[data-state="running"]`, { timeout: WAIT_MS });
  await described(page.waitForFunction(rowsHold, { peers: [PAUSED], atLeast: pieceCount }, { timeout: WAIT_MS }), `peer ${PAUSED} to show every piece`);
  const swarm = await withTimeout(running, 'the swarm to finish after the resume', 60_000);
  expect(swarm.runs.map((r) => r.end)).toEqual(config.peers.map(() => ({ kind: 'exited', code: 0, signal: null })));
  expect((await verifyCopies(config, peersDir)).every((c) => c.matches)).toBe(true);
  await page.waitForSelector(`${row(PAUSED)}[data-lifecycle="exited"]`);

  // The launcher tells the page the run is over: it says so, and Restart (like every control) is disabled.
  await page.waitForSelector('#connection[data-state="ended"][data-outcome="finished"]', { timeout: WAIT_MS });
  expect(await page.textContent('#connection')).toBe(`ended: all ${config.peers.length} peers finished`);
  expect(await page.locator('#peers button:enabled, #peers input:enabled').count()).toBe(0);

  expect(browser.foreignRequests).toEqual([]);
  expect(browser.errors).toEqual([]);
}, 120_000);
