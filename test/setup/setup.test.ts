import * as fs from 'fs';
import * as path from 'path';
import { missingToolError, SETUP_COMMAND, type DebianPackage } from '../support/requiredTools.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const SCRIPT = fs.readFileSync(path.join(ROOT, 'test', 'setup', 'debian-packages.sh'), 'utf8');
const PACKAGES: DebianPackage[] = ['python3', 'mktorrent', 'chromium', 'aria2', 'python3-libtorrent', 'openssh-server', 'tmux'];

describe('the set-up step installs what the tests drive', () => {
  test.each(PACKAGES)('debian-packages.sh installs %s when it is missing', (pkg) => {
    expect(SCRIPT).toContain(`missing+=(${pkg})`);
  });

  test('a missing tool fails its test naming the set-up command and the package', () => {
    const message = missingToolError('chromium', '/usr/bin/chromium').message;
    expect(message).toContain(SETUP_COMMAND);
    expect(message).toContain('apt-get install -y chromium');
    expect(message).toMatch(/never skipped/);
  });

  test('npm run setup runs the script and installs the npm dependencies', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.setup).toBe('bash test/setup/debian-packages.sh && npm ci');
  });

  test('CI runs exactly the README test command', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    const command = `${SETUP_COMMAND} && npm test`;
    expect(readme).toContain(`\n    ${command}\n`);
    expect(ci.trim().split('\n').pop()).toBe(command);
  });
});
