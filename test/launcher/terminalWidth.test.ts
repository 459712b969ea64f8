import { outputWidth } from '../../src/launcher/terminalWidth.js';

describe('outputWidth: how wide the launcher may write', () => {
  test('a terminal: its own width', () => {
    expect(outputWidth({ isTTY: true, columns: 80 }, {})).toBe(80);
    expect(outputWidth({ isTTY: true, columns: 211 }, {})).toBe(211);
  });

  test('a terminal that does not say: 80', () => {
    expect(outputWidth({ isTTY: true }, {})).toBe(80);
  });

  test('a pipe or a file (CI logs): no limit, they do not wrap', () => {
    expect(outputWidth({ isTTY: false }, {})).toBe(Infinity);
  });

  test('COLUMNS wins, on a terminal or not', () => {
    expect(outputWidth({ isTTY: true, columns: 200 }, { COLUMNS: '100' })).toBe(100);
    expect(outputWidth({ isTTY: false }, { COLUMNS: '120' })).toBe(120);
  });

  test('a COLUMNS that is not a positive whole number is ignored', () => {
    for (const COLUMNS of ['', 'wide', '0', '-5', '80.5']) expect(outputWidth({ isTTY: true, columns: 90 }, { COLUMNS })).toBe(90);
  });
});
