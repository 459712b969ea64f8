import type { IncomingMessage, ServerResponse } from 'http';
import { ApiHttpError } from './ApiHttpError.js';

export interface ApiRequest {
  /** The path's `:name` parts, decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The media type alone, lower-case (`application/json`), '' when none. */
  contentType: string;
  /** The body, read on demand within the size cap. */
  body(): Promise<Buffer>;
  req: IncomingMessage;
  res: ServerResponse;
}

/** A JSON answer, or `streaming` when the handler writes the response itself (GET /events). */
export type ApiReply = { status: number; json?: unknown } | 'streaming';

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Under API_PREFIX; `:name` matches one path segment. */
  path: string;
  handle(request: ApiRequest): ApiReply | Promise<ApiReply>;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/** The route for a method and path; a path no route has is a 404, a method it does not take a 405 with Allow. */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  const segments = path.split('/');
  const matches = routes.flatMap((route) => {
    const params = matchPath(route.path.split('/'), segments);
    return params ? [{ route, params }] : [];
  });
  if (matches.length === 0) throw new ApiHttpError(404, `no such route: ${path}`);
  const match = matches.find((m) => m.route.method === method);
  if (match) return match;
  const allowed = matches.map((m) => m.route.method).join(', ');
  throw new ApiHttpError(405, `${path} takes ${allowed}, not ${method}`, { allow: allowed });
}

function matchPath(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of pattern.entries()) {
    if (part.startsWith(':')) {
      if (segments[i] === '') return undefined;
      params[part.slice(1)] = decodeSegment(segments[i]);
    } else if (part !== segments[i]) return undefined;
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiHttpError(400, `malformed percent-encoding in the path: ${segment}`);
  }
}
