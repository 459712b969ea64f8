import { parsePeerCommand, type PeerCommand } from './PeerCommand.js';
import type { PeerController } from './PeerController.js';
import { json, serveLocal, text, type LocalRequest, type LocalResponse, type LocalServer } from './localHttp.js';

const ROUTES = 'GET /status; POST /pause, /resume, /stop; POST /limits {"uploadBytesPerSecond":"2MiB/s",...}; POST /command {"kind":...}';

/**
 * A peer's control interface over HTTP on 127.0.0.1 (`peerProcess --control-port`):
 * its status as JSON, and the commands of PeerCommand.
 */
export function startControlServer(port: number, controller: PeerController): Promise<LocalServer> {
  return serveLocal(port, (request) => route(request, controller));
}

async function route(request: LocalRequest, controller: PeerController): Promise<LocalResponse> {
  if (request.path === '/status') {
    return request.method === 'GET' ? json(200, controller.status()) : text(405, 'GET /status\n');
  }
  const command = commandFor(request);
  if (!command) return text(404, `routes: ${ROUTES}\n`);
  if (request.method !== 'POST') return text(405, `POST ${request.path}\n`);
  try {
    await controller.execute(parsePeerCommand(command.parse()));
  } catch (error) {
    return json(400, { ok: false, error: (error as Error).message });
  }
  return json(200, { ok: true, status: controller.status() });
}

/** The command a path names; its body is parsed only for a POST. */
function commandFor(request: LocalRequest): { parse(): unknown } | undefined {
  const simple: Record<string, PeerCommand['kind']> = { '/pause': 'pause', '/resume': 'resume', '/stop': 'stop' };
  const kind = simple[request.path];
  if (kind) return { parse: () => ({ kind }) };
  if (request.path === '/limits') return { parse: () => ({ kind: 'set-limits', limits: parseJson(request.body) }) };
  if (request.path === '/command') return { parse: () => parseJson(request.body) };
  return undefined;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new Error('the body is not valid JSON');
  }
}
