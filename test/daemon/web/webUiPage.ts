/**
 * Waits on the daemon's web UI in headless Chromium: each resolves as soon as
 * its condition holds, and fails after WAIT_MS saying what it waited for and
 * what the page showed then (its rows, notices, panels), so a failure on a
 * busy machine reads without a rerun.
 */
import type { Page } from 'playwright-core';

/** Generous: CI runs many suites at once on 2 cores. */
export const WAIT_MS = 30_000;

/** The little of the page's DOM the probes read (the project compiles without DOM types). */
interface ProbeElement {
  hidden: boolean;
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  querySelector(selector: string): ProbeElement | null;
}
type PageDom = { querySelector(selector: string): ProbeElement | null; querySelectorAll(selector: string): ArrayLike<ProbeElement> };

/** In the page: what a person would see, in one line. */
function pageSummary(): string {
  const dom = (globalThis as unknown as { document: PageDom }).document;
  const text = (selector: string) => dom.querySelector(selector)?.textContent?.trim() ?? '';
  const shown = (selector: string) => (dom.querySelector(selector)?.hidden === false ? 'shown' : 'hidden');
  const rows = Array.from(dom.querySelectorAll('#torrents tbody tr')).map(
    (tr) => `${tr.dataset.id?.slice(0, 8)} "${tr.querySelector('[data-field=name]')?.textContent ?? ''}" ${tr.dataset.state} ${tr.dataset.progress}`,
  );
  const notices = Array.from(dom.querySelectorAll('#notices li')).map((li) => `${li.dataset.kind}: ${li.textContent}`);
  return [
    `connection ${dom.querySelector('#connection')?.dataset.state}`,
    `first-run ${shown('#first-run')}`,
    `token box ${shown('#token-box')}`,
    `rows [${rows.join('; ')}]`,
    `notices [${notices.join('; ')}]`,
    `detail ${shown('#detail')}: ${text('#detail-facts')}, piece map held ${dom.querySelector('#piece-map')?.dataset.held}`,
  ].join(', ');
}

/** What the page shows now (or why it could not say). */
export function describePage(page: Page): Promise<string> {
  return page.evaluate(pageSummary).catch((error: Error) => `(the page could not be read: ${error.message.split('\n')[0]})`);
}

async function explained<T>(page: Page, wait: Promise<T>, what: string): Promise<T> {
  try {
    return await wait;
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`waited ${WAIT_MS} ms for ${what} (${why}); the page showed: ${await describePage(page)}`);
  }
}

/** Until `selector` matches a visible element (or, with state 'hidden'/'detached', until none does). */
export async function untilSelector(page: Page, selector: string, what: string, state: 'visible' | 'attached' | 'hidden' | 'detached' = 'visible'): Promise<void> {
  await explained(page, page.waitForSelector(selector, { state, timeout: WAIT_MS }), what);
}

/** Clicks `selector` once it is visible and enabled (a disabled button waits for the page to enable it). */
export async function press(page: Page, selector: string, what: string): Promise<void> {
  await explained(page, page.click(selector, { timeout: WAIT_MS }), `${what} to be clickable`);
}

/** Until `probe(argument)`, run in the page, returns true. */
export async function untilInPage<A>(page: Page, probe: (argument: A) => boolean, argument: A, what: string): Promise<void> {
  await explained(page, page.waitForFunction(probe as (argument: unknown) => boolean, argument, { timeout: WAIT_MS }), what);
}

/** In the page: some row of `tableSelector`'s body has a cell whose text is exactly `text`. */
export function tableHasCell({ tableSelector, text }: { tableSelector: string; text: string }): boolean {
  const dom = (globalThis as unknown as { document: PageDom }).document;
  return Array.from(dom.querySelectorAll(`${tableSelector} tbody td`)).some((td) => td.textContent === text);
}

/** In the page: the newest notice is of this kind and contains this text. */
export function newestNotice({ kind, contains }: { kind: 'ok' | 'error'; contains: string }): boolean {
  const li = (globalThis as unknown as { document: PageDom }).document.querySelector('#notices li');
  return li !== null && li.dataset.kind === kind && (li.textContent ?? '').includes(contains);
}

/** The console messages Chromium itself logs for an API answer of this status (the page expected it); the rest are the page's errors. */
export function unexpectedErrors(errors: readonly string[], expectedStatuses: readonly number[]): string[] {
  return errors.filter((message) => !expectedStatuses.some((status) => message === `Failed to load resource: the server responded with a status of ${status} (${STATUS_TEXT[status]})`));
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found' };
