import * as http from 'http';
import * as vm from 'vm';
import { serveWebUi } from '../../../src/daemon/web/webUi.js';
import { WEB_PAGE, WEB_SECURITY_POLICY } from '../../../src/daemon/web/webPage.js';
import { WEB_SCRIPT } from '../../../src/daemon/web/webScript.js';

describe('the web UI page', () => {
  test('its script is valid JavaScript (it lives in a string, out of the compiler’s sight)', () => {
    expect(() => new vm.Script(WEB_SCRIPT, { filename: 'webScript.js' })).not.toThrow();
  });

  test('loads nothing from elsewhere: its one link is its own favicon', () => {
    expect(WEB_PAGE.match(/\b(?:src|href)\s*=\s*"[^"]*"/gi)).toEqual(['href="/favicon.svg"']);
    expect(WEB_PAGE).not.toMatch(/@import|url\(/i);
    expect(WEB_PAGE.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:\/\//i);
  });

  test('puts the daemon\'s text in with textContent only, never as HTML', () => {
    expect(WEB_SCRIPT).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
  });

  test('its CSP runs only its own script and style and talks only to its own origin', () => {
    expect(WEB_SECURITY_POLICY).toMatch(/^default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+'; connect-src 'self'; img-src 'self'; frame-ancestors 'none'/);
  });
});

describe('serveWebUi', () => {
  async function get(path: string): Promise<{ status: number; type: string | undefined; csp: string | undefined; body: string }> {
    const server = http.createServer((request, response) => {
      if (!serveWebUi(request, response)) response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}${path}`);
      return { status: response.status, type: response.headers.get('content-type') ?? undefined, csp: response.headers.get('content-security-policy') ?? undefined, body: await response.text() };
    } finally {
      server.close();
    }
  }

  test('serves the page with its CSP at /, the favicon as SVG, and declines any other path', async () => {
    expect(await get('/')).toEqual({ status: 200, type: 'text/html; charset=utf-8', csp: WEB_SECURITY_POLICY, body: WEB_PAGE });
    expect(await get('/favicon.svg')).toMatchObject({ status: 200, type: 'image/svg+xml', body: expect.stringMatching(/^<svg /) });
    expect((await get('/favicon.ico')).status).toBe(200);
    expect((await get('/other')).status).toBe(404);
  });
});
