import * as vm from 'vm';
import { PAGE_HTML } from '../../src/dashboard/page.js';
import { PAGE_SCRIPT } from '../../src/dashboard/pageScript.js';

describe('the dashboard page', () => {
  test('its script is valid JavaScript (it lives in a string, out of the compiler’s sight)', () => {
    expect(() => new vm.Script(PAGE_SCRIPT, { filename: 'pageScript.js' })).not.toThrow();
  });

  test('is self-contained: no external script, style, image or font', () => {
    expect(PAGE_HTML).not.toMatch(/\b(?:src|href)\s*=/i);
    expect(PAGE_HTML).not.toMatch(/https?:\/\//i);
    expect(PAGE_HTML).not.toMatch(/@import|url\(/i);
  });

  test('puts swarm text in with textContent only, never as HTML', () => {
    expect(PAGE_SCRIPT).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});
