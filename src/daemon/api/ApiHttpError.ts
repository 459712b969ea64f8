import { DaemonError } from '../DaemonControl.js';

/** A request the API answers with an error status and `{"error": message}`. */
export class ApiHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Extra response headers (Allow on a 405, WWW-Authenticate on a 401). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiHttpError';
  }
}

const STATUS_OF_KIND: Record<DaemonError['kind'], number> = {
  'bad-input': 400,
  'not-found': 404,
  ambiguous: 409,
  conflict: 409,
  'too-large': 413,
  storage: 507,
};

/** The status and message an error is answered with: the daemon's refusals by their kind, anything unforeseen a 500 with its message. */
export function errorReply(error: unknown): ApiHttpError {
  if (error instanceof ApiHttpError) return error;
  if (error instanceof DaemonError) return new ApiHttpError(STATUS_OF_KIND[error.kind], error.message);
  return new ApiHttpError(500, `internal error: ${error instanceof Error ? error.message : String(error)}`);
}
