import type { DaemonEvent, TorrentFile, TorrentPeer, TorrentSummary } from '../daemon/api/contract.js';

/**
 * What `swarmlab top` shows, and how events and key presses change it: pure
 * functions, so the screen's behaviour is tested without a terminal.
 */
export type DetailPane = 'peers' | 'files';

/** live: GET /events flows; polling: the stream failed but list() answers; reconnecting: the daemon does not answer. */
export type Connection = 'live' | 'polling' | 'reconnecting';

export interface StatusMessage {
  text: string;
  error: boolean;
}

/** A remove waiting for y or n. */
export interface Confirmation {
  id: string;
  name: string;
  deleteData: boolean;
}

/** The selected torrent's peers and files, as last fetched (each undefined until fetched). */
export interface Detail {
  id: string;
  peers?: TorrentPeer[];
  files?: TorrentFile[];
}

export interface TopState {
  torrents: TorrentSummary[];
  selectedId: string | null;
  pane: DetailPane;
  detail: Detail | null;
  message: StatusMessage | null;
  confirm: Confirmation | null;
  connection: Connection;
}

/** A key: the character typed, or one of these names for the others. */
export type TopKey = 'Up' | 'Down' | 'Enter' | 'Tab' | 'Escape' | 'Ctrl-C' | (string & {});

export type TorrentAction = 'pause' | 'resume' | 'recheck';

/** What a key asks of the daemon or the program. */
export type DaemonCommand = { kind: 'act'; id: string; name: string; action: TorrentAction } | { kind: 'remove'; id: string; name: string; deleteData: boolean };
export type TopCommand = DaemonCommand | { kind: 'quit' };

export function initialState(torrents: TorrentSummary[]): TopState {
  return { torrents, selectedId: torrents[0]?.id ?? null, pane: 'peers', detail: null, message: null, confirm: null, connection: 'live' };
}

/** A new list (an event or a poll): the selection stays on its torrent, or moves to its neighbour if it went. */
export function withTorrents(state: TopState, torrents: TorrentSummary[]): TopState {
  let selectedId = state.selectedId;
  if (!torrents.some((t) => t.id === selectedId)) {
    const oldIndex = state.torrents.findIndex((t) => t.id === selectedId);
    selectedId = torrents[Math.min(Math.max(oldIndex, 0), torrents.length - 1)]?.id ?? null;
  }
  return select({ ...state, torrents }, selectedId);
}

export function withEvent(state: TopState, event: DaemonEvent): TopState {
  const torrents = event.type === 'torrents' ? event.torrents : state.torrents.filter((t) => t.id !== event.id);
  return withTorrents({ ...state, connection: 'live' }, torrents);
}

export function withConnection(state: TopState, connection: Connection): TopState {
  return state.connection === connection ? state : { ...state, connection };
}

/** Peers or files fetched for `id`; dropped if the selection moved on meanwhile. */
export function withDetail(state: TopState, id: string, fetched: { peers?: TorrentPeer[]; files?: TorrentFile[] }): TopState {
  if (state.selectedId !== id) return state;
  return { ...state, detail: { ...(state.detail?.id === id ? state.detail : { id }), ...fetched } };
}

export function withMessage(state: TopState, text: string, error = false): TopState {
  return { ...state, message: { text, error } };
}

export function selected(state: TopState): TorrentSummary | undefined {
  return state.torrents.find((t) => t.id === state.selectedId);
}

const ACTION_KEYS: Readonly<Record<string, TorrentAction>> = { p: 'pause', r: 'resume', c: 'recheck' };

/** A key press: the new state, and the command it asks for, if any. */
export function pressKey(state: TopState, key: TopKey): { state: TopState; command?: TopCommand } {
  if (key === 'Ctrl-C' || (key === 'q' && !state.confirm)) return { state, command: { kind: 'quit' } };
  if (state.confirm) return answerConfirmation(state, state.confirm, key);
  const index = state.torrents.findIndex((t) => t.id === state.selectedId);
  const torrent = state.torrents[index];
  if (key === 'Up' || key === 'k') return { state: select(state, state.torrents[Math.max(index - 1, 0)]?.id ?? null) };
  if (key === 'Down' || key === 'j') return { state: select(state, state.torrents[Math.min(index + 1, state.torrents.length - 1)]?.id ?? null) };
  if (key === 'Enter' || key === 'Tab') return { state: { ...state, pane: state.pane === 'peers' ? 'files' : 'peers' } };
  if (!torrent) return { state };
  if (key in ACTION_KEYS) return { state, command: { kind: 'act', id: torrent.id, name: torrent.name, action: ACTION_KEYS[key] } };
  if (key === 'd' || key === 'D') {
    const confirm = { id: torrent.id, name: torrent.name, deleteData: key === 'D' };
    return { state: withMessage({ ...state, confirm }, `remove ${torrent.name}${confirm.deleteData ? ' AND DELETE ITS DATA' : ''}? (y/n)`) };
  }
  return { state };
}

/** What the status line says once a command has been carried out. */
export function describeDone(command: DaemonCommand): string {
  if (command.kind === 'remove') return `removed ${command.name}${command.deleteData ? ' and deleted its data' : ''}`;
  return `${{ pause: 'paused', resume: 'resumed', recheck: 'rechecking' }[command.action]} ${command.name}`;
}

/** ... or once the daemon refused it. */
export function describeFailed(command: DaemonCommand, reason: string): string {
  return `${command.kind === 'act' ? command.action : 'remove'} ${command.name} failed: ${reason}`;
}

function answerConfirmation(state: TopState, confirm: Confirmation, key: TopKey): { state: TopState; command?: TopCommand } {
  const answered = { ...state, confirm: null };
  if (key !== 'y' && key !== 'Y') return { state: withMessage(answered, `${confirm.name} not removed`) };
  return { state: withMessage(answered, `removing ${confirm.name}...`), command: { kind: 'remove', id: confirm.id, name: confirm.name, deleteData: confirm.deleteData } };
}

function select(state: TopState, id: string | null): TopState {
  if (id === state.selectedId) return state;
  return { ...state, selectedId: id, detail: null };
}
