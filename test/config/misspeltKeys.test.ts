import { parseCommonConfig } from '../../src/config/CommonConfig.js';
import { closestWord, editDistance } from '../../src/common/closestWord.js';
import { expectConfigError } from './expectConfigError.js';
import { SPEC_EXAMPLE_LINES } from './specExample.js';

/** The spec's example with its first line (NumberOfPreferredNeighbors 2) written as given. */
function withFirstLine(line: string): string {
  return [line, ...SPEC_EXAMPLE_LINES.slice(1)].join('\n') + '\n';
}

describe('a misspelt Common.cfg key is named on its line, with the key it probably meant', () => {
  test('a misspelt required key: its line, what was written, and the key meant', () => {
    const err = expectConfigError(() => parseCommonConfig(withFirstLine('NumberOfPrefferedNeighbors 2'), 'Common.cfg'));
    expect(err.line).toBe(1);
    expect(err.key).toBe('NumberOfPrefferedNeighbors');
    expect(err.message).toBe(
      "Common.cfg:1: NumberOfPrefferedNeighbors: unknown key; did you mean 'NumberOfPreferredNeighbors'? (NumberOfPreferredNeighbors is required and missing)",
    );
  });

  test.each([
    ['NumberOfPreferredNeighbors=2', "'NumberOfPreferredNeighbors 2'"],
    ['NumberOfPreferredNeighbors = 2', "'NumberOfPreferredNeighbors 2'"],
    ['NumberOfPreferredNeighbors: 2', "'NumberOfPreferredNeighbors 2'"],
    ['numberofpreferredneighbors=2', "'NumberOfPreferredNeighbors 2'"],
    ['NumberOfPrefferedNeighbors=2', "'NumberOfPreferredNeighbors 2'"],
  ])('%s: write it with a space, as the line says', (line, fix) => {
    const err = expectConfigError(() => parseCommonConfig(withFirstLine(line), 'Common.cfg'));
    expect(err.line).toBe(1);
    expect(err.key).toBe('NumberOfPreferredNeighbors');
    expect(err.message).toContain(`separated by a space, without '=' or ':': ${fix}`);
  });

  test('a misspelt optional key is a warning that names the key meant; the config still loads', () => {
    const { warnings, config } = parseCommonConfig(withFirstLine('NumberOfPreferredNeighbors 2') + 'MaxUplaodRate 1MiB/s\n', 'Common.cfg');
    expect(config.extras.size).toBe(0);
    expect(warnings).toEqual([{ file: 'Common.cfg', line: 7, message: "unknown key 'MaxUplaodRate' ignored (did you mean 'MaxUploadRate'?)" }]);
  });

  test('a key far from every known one stays an unknown key with no guess', () => {
    const { warnings } = parseCommonConfig(withFirstLine('NumberOfPreferredNeighbors 2') + 'Colour blue\n', 'Common.cfg');
    expect(warnings[0].message).toBe("unknown key 'Colour' ignored");
  });

  test('a value containing = or : is not mistaken for a separator', () => {
    const text = SPEC_EXAMPLE_LINES.map((l) => (l.startsWith('FileName') ? 'FileName a=b:c.dat' : l)).join('\n');
    expect(parseCommonConfig(text, 'Common.cfg').config.fileName).toBe('a=b:c.dat');
  });
});

describe('closestWord', () => {
  test.each([
    ['kitten', 'sitting', 3],
    ['Preferred', 'Prefferred', 1],
    ['ab', 'ba', 1],
    ['', 'abc', 3],
    ['FileSize', 'filesize', 0],
  ])('editDistance(%s, %s) = %d', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
    expect(editDistance(b, a)).toBe(expected);
  });

  test('picks the nearest candidate within reach, or none', () => {
    expect(closestWord('PeiceSize', ['FileSize', 'PieceSize'])).toBe('PieceSize');
    expect(closestWord('Unchoking', ['UnchokingInterval'])).toBeUndefined();
  });
});
