import * as http from 'http';

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpRequestOptions {
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** One request to 127.0.0.1:port, answered in full (no keep-alive: each test's server closes cleanly). */
export function httpRequest(port: number, method: string, path: string, options: HttpRequestOptions = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    // A body's length is said: Node sends no chunked encoding for DELETE, and the server could not tell where the body ends.
    const length = options.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(options.body)) };
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { ...length, ...options.headers }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
