/**
 * The dashboard fits a 1280 px wide window (no sideways scrolling, every rate
 * box on screen) with many peers, while the run goes on and once it has ended,
 * and its unchoke matrix explains its marks. Saves screenshots to
 * logs/artifacts/dashboard-1280-*.png.
 */
import type { Page } from 'playwright-core';
import { FakeSwarm } from './FakeSwarm.js';
import { FakeDashboardPage, row } from './FakeDashboardPage.js';
import { saveScreenshot } from './chromium.js';

const WIDTH = 1280;
/** More pieces than the strip has pixels, and the widest "held" text of the tests. */
const PIECES = 1000;

const VIEWPORT = { width: WIDTH, height: 900 };

let opened: FakeDashboardPage | undefined;

afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

/** The little of the page's DOM the probe reads (the project compiles without DOM types). */
type Box = { left: number; right: number };
type LayoutDom = {
  documentElement: { scrollWidth: number; clientWidth: number };
  querySelectorAll(selector: string): ArrayLike<{ getAttribute(name: string): string | null; getBoundingClientRect(): Box }>;
};

/** In the page: the document's widths, and the controls of the peers' table that are not wholly within the window. */
function measureLayout(): { scrollWidth: number; clientWidth: number; controls: number; offScreen: string[] } {
  const dom = (globalThis as unknown as { document: LayoutDom }).document;
  const { scrollWidth, clientWidth } = dom.documentElement;
  const controls = Array.from(dom.querySelectorAll('#peers input, #peers button'));
  const offScreen = controls
    .filter((control) => control.getBoundingClientRect().left < 0 || control.getBoundingClientRect().right > clientWidth)
    .map((control) => control.getAttribute('aria-label') ?? control.getAttribute('data-action') ?? '?');
  return { scrollWidth, clientWidth, controls: controls.length, offScreen };
}

async function expectFits(page: Page, peers: number): Promise<void> {
  const layout = await page.evaluate(measureLayout);
  expect(layout).toEqual({ scrollWidth: layout.clientWidth, clientWidth: layout.clientWidth, controls: peers * 7, offScreen: [] });
  expect(layout.clientWidth).toBeLessThanOrEqual(WIDTH);
}

test.each([6, 10])('with %i peers the page fits a 1280 px window, running and ended', async (count) => {
  const peers = Array.from({ length: count }, (_, i) => 1001 + i);
  const swarm = new FakeSwarm(peers, PIECES);
  opened = await FakeDashboardPage.open(swarm, { viewport: VIEWPORT, flushIntervalMs: 50 });
  const { page, browser } = opened;

  // The widest rows: a complete leecher, a paused one, one with limits in force, long rates.
  swarm.startAll();
  swarm.givePieces(1002, Array.from({ length: PIECES }, (_, i) => i));
  await swarm.command(1003, { kind: 'pause' });
  await swarm.command(1004, { kind: 'set-limits', limits: { uploadBytesPerSecond: 1_572_864, downloadBytesPerSecond: 512_000 } });
  await page.waitForSelector(`${row(1004)} input[data-field="limit-up"][placeholder="1.5MiB/s"]`);
  await page.waitForSelector(`${row(1003)}[data-state="paused"]`);
  expect(await page.textContent(`${row(1002)} td[data-field="state"]`)).toBe('complete');
  await expectFits(page, count);
  await saveScreenshot(page, `dashboard-1280-${count}-peers.png`);

  swarm.endRun({ 1003: { kind: 'exited', code: 1, signal: null }, 1005: { kind: 'stopped', because: 'peer 1003 exited with 1' }, 1006: { kind: 'stopped', because: 'peer 1003 exited with 1' } });
  await page.waitForSelector('#connection[data-state="ended"]');
  await expectFits(page, count);
  await saveScreenshot(page, `dashboard-1280-${count}-peers-ended.png`);
  expect(browser.errors).toEqual([]);
}, 60_000);

/** In the page: the outline colour of the matrix's "changed" flash, from its keyframes, and of the legend's key for it. */
function flashColours(): { flash: string | undefined; key: string | undefined } {
  type Rule = { name?: string; cssRules?: ArrayLike<{ style: { outlineColor: string } }> };
  type StyleDom = { styleSheets: ArrayLike<{ cssRules: ArrayLike<Rule> }>; querySelector(selector: string): object | null };
  const scope = globalThis as unknown as { document: StyleDom; getComputedStyle(element: object): { outlineColor: string } };
  const rules = Array.from(scope.document.styleSheets).flatMap((sheet) => Array.from(sheet.cssRules));
  const flash = rules.find((rule) => rule.name === 'flash')?.cssRules?.[0].style.outlineColor;
  const key = scope.document.querySelector('#matrix-legend .key[data-kind="changed"]');
  return { flash, key: key ? scope.getComputedStyle(key).outlineColor : undefined };
}

test('the unchoke matrix has a legend for its marks and for the blue "changed" outline, in the colour of the flash', async () => {
  opened = await FakeDashboardPage.open(new FakeSwarm([1001, 1002, 1003], 8), { viewport: VIEWPORT });
  const { page } = opened;
  const legend = await page.textContent('#matrix-legend');
  expect(legend).toContain('P preferred');
  expect(legend).toContain('O optimistic');
  expect(legend).toContain('blue outline, for 1 s: the cell just changed');
  const colours = await page.evaluate(flashColours);
  expect(colours.flash).toMatch(/^rgb\(/);
  expect(colours.key).toBe(colours.flash);
}, 30_000);
