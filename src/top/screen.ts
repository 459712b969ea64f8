import { Box, render, Text, useApp, useInput, useStdout, type Key } from 'ink';
import { createElement as h, useEffect, useState, type ReactNode } from 'react';
import type { TopSettings } from './config.js';
import { selected, type TopKey, type TopState } from './model.js';
import { fileHeader, fileLine, fit, paneTitle, peerHeader, peerLine, statusText, torrentHeader, torrentLine } from './rows.js';
import type { TopSession } from './session.js';
import type { ThemeRole } from './theme.js';
import type { UnitOptions } from './units.js';

/** The lines around the two lists: title, the list's header, the pane's title and header, the status line, and one spare so ink never scrolls. */
const FIXED_LINES = 6;

/**
 * Draws `swarmlab top` in the terminal (the alternate screen) until a key asks
 * to quit (true) or a signal stops it (false); the terminal is restored after.
 */
export async function runTopScreen(session: TopSession, settings: TopSettings, url: string): Promise<boolean> {
  process.stdout.write('\x1b[?1049h'); // the alternate screen, as full-screen programs do: the shell's text comes back on exit
  const app = render(h(TopView, { session, settings, url }), { exitOnCtrlC: false, patchConsole: false });
  let signalled = false;
  const stop = () => {
    signalled = true;
    app.unmount();
  };
  // Ctrl-C comes as a key (the terminal is raw); these come from elsewhere (kill, a closed terminal).
  process.once('SIGINT', stop).once('SIGTERM', stop).once('SIGHUP', stop);
  session.start();
  try {
    await app.waitUntilExit();
    return !signalled;
  } finally {
    session.close();
    process.off('SIGINT', stop).off('SIGTERM', stop).off('SIGHUP', stop);
    process.stdout.write('\x1b[?1049l');
  }
}

function TopView({ session, settings, url }: { session: TopSession; settings: TopSettings; url: string }): ReactNode {
  const [state, setState] = useState(session.state);
  const { exit } = useApp();
  const { stdout } = useStdout();
  const [size, setSize] = useState({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  useEffect(() => session.subscribe(setState), [session]);
  useEffect(() => {
    const resized = () => setSize({ columns: stdout.columns, rows: stdout.rows });
    stdout.on('resize', resized);
    return () => void stdout.off('resize', resized);
  }, [stdout]);
  useInput((input, key) => {
    const named = keyName(input, key);
    if (named !== undefined && session.press(named)) exit();
  });

  const width = size.columns - 1;
  const paint = painter(settings);
  const room = Math.max(2, size.rows - FIXED_LINES);
  const listRows = Math.min(Math.max(state.torrents.length, 1), Math.ceil(room / 2));
  const units = { units: settings.units, base: settings.base };
  const chosen = selected(state);

  return h(
    Box,
    { flexDirection: 'column' },
    line(paint('header'), fit(`swarmlab top  ${url}`, width)),
    line(paint('header'), torrentHeader(width)),
    ...windowAround(state.torrents, chosen ? state.torrents.indexOf(chosen) : 0, listRows).map((torrent) => {
      const row = torrentLine(torrent, width, units);
      const role = torrent.id === state.selectedId ? 'selected' : torrent.state === 'error' ? 'error' : 'normal';
      return h(Text, { key: torrent.id, wrap: 'truncate' }, h(Text, paint(role), row.before), h(Text, paint('barDone'), row.barDone), h(Text, paint('barLeft'), row.barLeft), h(Text, paint(role), row.after));
    }),
    state.torrents.length === 0 ? line(paint('normal'), fit('no torrents: the daemon has none yet', width)) : null,
    line(paint('header'), fit(paneTitle(state), width)),
    line(paint('header'), state.pane === 'peers' ? peerHeader(width) : fileHeader(width)),
    ...detailLines(state, width, room - listRows, units).map((text, i) => line(paint('normal'), text, `d${i}`)),
    line(paint(state.message?.error || state.connection === 'reconnecting' ? 'error' : 'status'), fit(statusText(state, width, units), width)),
  );
}

function detailLines(state: TopState, width: number, rows: number, units: UnitOptions): string[] {
  const detail = state.detail;
  const items = state.pane === 'peers' ? detail?.peers?.map((p) => peerLine(p, width, units)) : detail?.files?.map((f) => fileLine(f, width, units));
  const lines = items === undefined ? [state.selectedId ? 'loading...' : ''] : items.length === 0 ? [state.pane === 'peers' ? 'no peers connected' : 'no files yet (metadata not known)'] : items;
  const shown = lines.slice(0, rows);
  if (lines.length > rows) shown[rows - 1] = `... and ${lines.length - rows + 1} more`;
  // Blank lines below, so the status line stays at the bottom.
  return [...shown, ...Array<string>(Math.max(rows - shown.length, 0)).fill('')].map((text) => fit(text, width));
}

/** At most `count` items, the selected one among them. */
function windowAround<T>(items: T[], index: number, count: number): T[] {
  const start = Math.min(Math.max(index - count + 1, 0), Math.max(items.length - count, 0));
  return items.slice(start, start + count);
}

function line(props: object, text: string, key?: string): ReactNode {
  return h(Text, { ...props, key, wrap: 'truncate' }, text);
}

/** Each part's colours as ink's Text props; with colours off, only the selection shows (in reverse video). */
function painter(settings: TopSettings): (role: ThemeRole) => object {
  return (role) => {
    if (!settings.colour) return role === 'selected' || role === 'header' || role === 'status' ? { inverse: true } : {};
    const { fg, bg } = settings.theme[role];
    return { color: fg === 'default' ? undefined : fg, backgroundColor: bg === 'default' ? undefined : bg };
  };
}

function keyName(input: string, key: Key): TopKey | undefined {
  if (key.ctrl && input === 'c') return 'Ctrl-C';
  if (key.upArrow) return 'Up';
  if (key.downArrow) return 'Down';
  if (key.return) return 'Enter';
  if (key.tab) return 'Tab';
  if (key.escape) return 'Escape';
  return input.length === 1 ? input : undefined;
}
