import type { Page } from 'playwright-core';
import { startDashboard, type Dashboard } from '../../src/dashboard/server.js';
import { FACTS, type FakeSwarm } from './FakeSwarm.js';
import { openHeadless, type HeadlessPage } from './chromium.js';

export interface FakePageOptions {
  viewport?: { width: number; height: number };
  flushIntervalMs?: number;
}

/** The selector of a peer's row in the peers' table. */
export const row = (peerId: number) => `#peers tr[data-peer="${peerId}"]`;

/**
 * The dashboard of a fake swarm, open and connected in headless Chromium.
 * close() ends the browser, then the dashboard unless the test closed it already.
 */
export class FakeDashboardPage {
  private dashboardOpen = true;

  private constructor(
    readonly dashboard: Dashboard,
    readonly browser: HeadlessPage,
  ) {}

  static async open(swarm: FakeSwarm, options: FakePageOptions = {}): Promise<FakeDashboardPage> {
    const dashboard = await startDashboard({ swarm, facts: { ...FACTS, pieceCount: swarm.pieceCount }, flushIntervalMs: options.flushIntervalMs });
    const browser = await openHeadless(dashboard.url, options.viewport).catch(async (error: unknown) => {
      await dashboard.close();
      throw error;
    });
    const opened = new FakeDashboardPage(dashboard, browser);
    await opened.page.goto(dashboard.url);
    await opened.page.waitForSelector('#connection[data-state="open"]');
    return opened;
  }

  get page(): Page {
    return this.browser.page;
  }

  /** The dashboard goes away while the page stays open. */
  async closeDashboard(): Promise<void> {
    if (!this.dashboardOpen) return;
    this.dashboardOpen = false;
    await this.dashboard.close();
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.closeDashboard();
  }
}
