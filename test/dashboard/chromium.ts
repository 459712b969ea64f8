import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { missingToolError } from '../support/requiredTools.js';

/** Debian's chromium: the tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS_DIR = path.join(import.meta.dirname, '..', '..', 'logs', 'artifacts');

export interface HeadlessPage {
  page: Page;
  /** Requests the page made to anything but the dashboard (should stay empty). */
  foreignRequests: string[];
  /** Console errors and uncaught exceptions of the page, CSP refusals included. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * A headless Chromium with a fresh profile in a temp dir, on one page that
 * may reach the dashboard's origin only: any other request is aborted and
 * recorded, so a page that fetched from a CDN would fail its test.
 */
export async function openHeadless(dashboardUrl: string, viewport = { width: 1400, height: 900 }): Promise<HeadlessPage> {
  if (!fs.existsSync(CHROMIUM)) {
    throw missingToolError('chromium', CHROMIUM);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  } catch (error) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const origin = new URL(dashboardUrl).origin;
  const foreignRequests: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`)) return route.continue();
    foreignRequests.push(url);
    return route.abort();
  });
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  return {
    page,
    foreignRequests,
    errors,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot under logs/artifacts/ and prints where. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
  return file;
}

/** How many pixel columns of a peer's piece strip are painted (not the empty background). */
export function paintedColumns(page: Page, peerId: number): Promise<number> {
  return page.$eval(`tr[data-peer="${peerId}"] canvas`, (canvas) => {
    const c = canvas as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const row = c.getContext('2d').getImageData(0, Math.floor(c.height / 2), c.width, 1).data;
    let painted = 0;
    // The background is #e4e7ec; held pieces are green (red channel well below 0xe4).
    for (let x = 0; x < c.width; x++) if (row[4 * x] < 0xd0) painted++;
    return painted;
  });
}
