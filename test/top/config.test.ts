import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultConfigPath, parseThemeFlags, parseTopConfig, readTopConfig, resolveSettings, TopConfigError } from '../../src/top/config.js';
import { jsonErrorPosition, lineAndColumn } from '../../src/top/jsonErrorPosition.js';
import { DEFAULT_THEME } from '../../src/top/theme.js';

const FILE = '/home/u/.config/swarmlab/top.json';

function errorOf(text: string): string {
  try {
    parseTopConfig(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(TopConfigError);
    return (error as Error).message;
  }
  throw new Error(`${text} was accepted`);
}

describe('a config file', () => {
  test('sets units, base, colour and any part of the theme', () => {
    const text = JSON.stringify({ units: 'bits', base: 'decimal', colour: false, theme: { header: { fg: 'white', bg: '#203040' }, error: { fg: 'default' } } });
    expect(parseTopConfig(text, FILE)).toEqual({ units: 'bits', base: 'decimal', colour: false, theme: { header: { fg: 'white', bg: '#203040' }, error: { fg: 'default' } } });
    expect(parseTopConfig('{}', FILE)).toEqual({});
  });

  test.each([
    ['{"units": "bits",\n  "base": }', 'line 2, column 11'],
    ['{"units": "bits",}', 'line 1, column 18'],
    ['{\n\n  "units" "bits"}', 'line 3, column 11'],
    ['{"colour": tru}', 'line 1, column 15'],
    ['{"units": "bi\nts"}', 'line 1, column 14'],
    ['{"units": "bits"', 'line 1, column 17'],
    ['', 'line 1, column 1'],
    ['{} x', 'line 1, column 4'],
  ])('not JSON: %j is placed at %s', (text, place) => {
    expect(errorOf(text)).toMatch(new RegExp(`^${FILE}: ${place}: not valid JSON \\(.+\\)$`));
  });

  test.each([
    ['[]', 'the file must be a JSON object ({ ... }), got []'],
    ['"bits"', 'the file must be a JSON object ({ ... }), got "bits"'],
    ['null', 'the file must be a JSON object ({ ... }), got null'],
    ['{"colours": true}', 'unknown key "colours": the keys are units, base, colour, theme'],
    ['{"units": "kbit"}', '"units" is "kbit": it takes "bytes" or "bits"'],
    ['{"base": 1024}', '"base" is 1024: it takes "binary" or "decimal"'],
    ['{"colour": "yes"}', '"colour" is "yes": it takes true or false'],
    ['{"theme": "dark"}', '"theme" must be a JSON object ({ ... }), got "dark"'],
    ['{"theme": {"title": {}}}', 'unknown key "theme.title": the parts are header, selected, normal, status, barDone, barLeft, error'],
    ['{"theme": {"header": "red"}}', '"theme.header" must be a JSON object ({ ... }), got "red"'],
    ['{"theme": {"header": {"foreground": "red"}}}', 'unknown key "theme.header.foreground": a part has "fg" (foreground) and "bg" (background)'],
    ['{"theme": {"status": {"bg": "purple"}}}', '"theme.status.bg" is "purple": it takes default, black, red, green, yellow, blue, magenta, cyan, white, gray, grey, blackBright'],
    ['{"theme": {"status": {"fg": 3}}}', '"theme.status.fg" is 3: it takes default, black'],
    ['{"theme": {"barDone": {"fg": "#12345"}}}', '"theme.barDone.fg" is "#12345": it takes default'],
  ])('%s: %s', (text, message) => {
    expect(errorOf(text)).toContain(`${FILE}: ${message}`);
  });

  test('a colour error ends with the forms a colour may take', () => {
    expect(errorOf('{"theme": {"status": {"bg": "purple"}}}')).toMatch(/whiteBright, or #rrggbb$/);
  });
});

describe('reading the file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'swarmlab-top-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  test('the default file may be missing: it sets nothing', async () => {
    expect(await readTopConfig(undefined, { XDG_CONFIG_HOME: dir })).toEqual({});
  });

  test('the default file is read from $XDG_CONFIG_HOME/swarmlab/top.json', async () => {
    await fs.mkdir(path.join(dir, 'swarmlab'));
    await fs.writeFile(path.join(dir, 'swarmlab', 'top.json'), '{"units": "bits"}');
    expect(await readTopConfig(undefined, { XDG_CONFIG_HOME: dir })).toEqual({ units: 'bits' });
  });

  test('a file named by --config must be there', async () => {
    const missing = path.join(dir, 'nope.json');
    await expect(readTopConfig(missing)).rejects.toThrow(new TopConfigError(`${missing}: no such file`));
  });

  test('a folder is not a config file', async () => {
    await expect(readTopConfig(dir)).rejects.toThrow(new TopConfigError(`${dir} is a folder, not a file`));
  });

  test("a malformed default file is an error too, naming that file", async () => {
    await fs.mkdir(path.join(dir, 'swarmlab'));
    await fs.writeFile(path.join(dir, 'swarmlab', 'top.json'), '{"base": "hex"}');
    await expect(readTopConfig(undefined, { XDG_CONFIG_HOME: dir })).rejects.toThrow(`${path.join(dir, 'swarmlab', 'top.json')}: "base" is "hex"`);
  });
});

test('the default path follows XDG, falling back to ~/.config (a relative XDG_CONFIG_HOME is ignored, as the spec says)', () => {
  expect(defaultConfigPath({ XDG_CONFIG_HOME: '/x/conf' })).toBe('/x/conf/swarmlab/top.json');
  expect(defaultConfigPath({})).toBe(path.join(os.homedir(), '.config', 'swarmlab', 'top.json'));
  expect(defaultConfigPath({ XDG_CONFIG_HOME: 'conf' })).toBe(path.join(os.homedir(), '.config', 'swarmlab', 'top.json'));
});

describe('settings in force', () => {
  test('defaults: bytes, binary, colours, the default theme', () => {
    expect(resolveSettings({}, {})).toEqual({ units: 'bytes', base: 'binary', colour: true, theme: DEFAULT_THEME });
  });

  test('the command line wins over the file, colour by colour', () => {
    const file = { units: 'bits', base: 'decimal', colour: false, theme: { header: { fg: 'red', bg: 'blue' } } } as const;
    const settings = resolveSettings(file, { units: 'bytes', colour: true, theme: { header: { bg: 'green' } } });
    expect(settings).toMatchObject({ units: 'bytes', base: 'decimal', colour: true });
    expect(settings.theme.header).toEqual({ fg: 'red', bg: 'green' });
    expect(settings.theme.selected).toEqual(DEFAULT_THEME.selected);
  });
});

describe('--theme', () => {
  test('takes PART.fg=COLOUR and PART.bg=COLOUR, several times', () => {
    expect(parseThemeFlags(['header.fg=white', 'header.bg=#336699', 'barLeft.fg=default'])).toEqual({ header: { fg: 'white', bg: '#336699' }, barLeft: { fg: 'default' } });
  });

  test.each([
    ['header=red', "--theme takes PART.fg=COLOUR or PART.bg=COLOUR with PART one of header, selected, normal, status, barDone, barLeft, error, got 'header=red'"],
    ['title.fg=red', "got 'title.fg=red'"],
    ['header.fg=purple', "--theme header.fg: 'purple' is not a colour: use default, black"],
  ])('%s is refused', (value, message) => {
    expect(() => parseThemeFlags([value])).toThrow(message);
  });
});

test('jsonErrorPosition finds where the text stops being JSON', () => {
  expect(jsonErrorPosition('{"a": [1, 2, ]}')).toBe(13);
  expect(jsonErrorPosition('{"a": "\\x"}')).toBe(8);
  expect(jsonErrorPosition('{"a": "\\u12G4"}')).toBe(8);
  expect(jsonErrorPosition('[01]')).toBe(2);
  expect(jsonErrorPosition('{"a": nul}')).toBe(9);
  expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
});
