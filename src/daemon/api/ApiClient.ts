import { API_PREFIX, type AddRequest, type AddResult, type DaemonEvent, type DaemonInfo, type SettingsPatch, type TorrentDetail, type TorrentPatch, type TorrentPeer, type TorrentSummary } from './contract.js';

/** The daemon answered with an error status (its message is the API's `error`), or could not be reached (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClientOptions {
  /** The daemon's API, e.g. http://127.0.0.1:9881 (DEFAULT_API_URL). */
  url: string;
  /** Sent as `Authorization: Bearer TOKEN`: the daemon asks for one when it listens beyond 127.0.0.1. */
  token?: string;
  /** A request with no answer by then fails (ms). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** The daemon's API over HTTP (contract.ts), for the CLI's commands and `swarmlab top`. */
export class ApiClient {
  private readonly base: string;

  constructor(private readonly options: ApiClientOptions) {
    this.base = options.url.replace(/\/+$/, '') + API_PREFIX;
  }

  info(): Promise<DaemonInfo> {
    return this.call('GET', '/info');
  }

  updateSettings(patch: SettingsPatch): Promise<DaemonInfo> {
    return this.call('PATCH', '/settings', patch);
  }

  async list(): Promise<TorrentSummary[]> {
    return (await this.call<{ torrents: TorrentSummary[] }>('GET', '/torrents')).torrents;
  }

  get(id: string): Promise<TorrentDetail> {
    return this.call('GET', `/torrents/${encodeURIComponent(id)}`);
  }

  /** A torrent's own limits, its files' priorities (PATCH /torrents/:id); answers its page. */
  updateTorrent(id: string, patch: TorrentPatch): Promise<TorrentDetail> {
    return this.call('PATCH', `/torrents/${encodeURIComponent(id)}`, patch);
  }

  async peers(id: string): Promise<TorrentPeer[]> {
    return (await this.call<{ peers: TorrentPeer[] }>('GET', `/torrents/${encodeURIComponent(id)}/peers`)).peers;
  }

  add(request: AddRequest): Promise<AddResult> {
    return this.call('POST', '/torrents', request);
  }

  async act(id: string, action: 'pause' | 'resume' | 'recheck'): Promise<TorrentSummary> {
    return (await this.call<{ torrent: TorrentSummary }>('POST', `/torrents/${encodeURIComponent(id)}/${action}`, {})).torrent;
  }

  async remove(id: string, deleteData: boolean): Promise<void> {
    await this.call('DELETE', `/torrents/${encodeURIComponent(id)}${deleteData ? '?deleteData=true' : ''}`);
  }

  /**
   * Follows GET /events until `signal` aborts or the daemon closes it: each
   * event goes to `onEvent`. Resolves when the stream ends.
   */
  async events(onEvent: (event: DaemonEvent) => void, signal: AbortSignal): Promise<void> {
    const response = await this.fetch('GET', '/events', undefined, signal, false);
    if (!response.body) return;
    const decoder = new TextDecoder();
    let pending = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        pending += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const event = parseEvent(pending.slice(0, end));
          pending = pending.slice(end + 2);
          if (event) onEvent(event);
        }
      }
    } catch (error) {
      if (!signal.aborted) throw unreachable(this.options.url, error);
    }
  }

  private async call<T>(method: string, route: string, body?: unknown): Promise<T> {
    const response = await this.fetch(method, route, body, AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS), true);
    const text = await response.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  private async fetch(method: string, route: string, body: unknown, signal: AbortSignal, timed: boolean): Promise<Response> {
    const headers: Record<string, string> = {};
    // Every state-changing request says JSON, a body or not: the server refuses those that do not (a plain form could send them).
    if (body !== undefined || method !== 'GET') headers['content-type'] = 'application/json';
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let response: Response;
    try {
      response = await fetch(this.base + route, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (error) {
      if (timed && signal.aborted) throw new ApiError(0, `the daemon at ${this.options.url} did not answer within ${(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s`);
      throw unreachable(this.options.url, error);
    }
    if (!response.ok) throw new ApiError(response.status, await errorMessage(response));
    return response;
  }
}

function unreachable(url: string, error: unknown): ApiError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return new ApiError(0, `cannot reach the daemon at ${url} (${cause?.code ?? cause?.message ?? String(error)}): is \`swarmlab daemon\` running?`);
}

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === 'string') return body.error;
  } catch {
    // not JSON: say what came
  }
  return `${response.status} ${response.statusText}${text ? `: ${text.trim().slice(0, 200)}` : ''}`;
}

/** One server-sent event (`event: NAME` and `data: JSON` lines); undefined for a comment or a keep-alive. */
function parseEvent(block: string): DaemonEvent | undefined {
  let name = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (data.length === 0) return undefined;
  const payload = JSON.parse(data.join('\n')) as Record<string, unknown>;
  if (name === 'torrents') return { type: 'torrents', torrents: payload.torrents as TorrentSummary[] };
  if (name === 'removed') return { type: 'removed', id: String(payload.id) };
  return undefined;
}
