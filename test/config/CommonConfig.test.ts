import { parseCommonConfig, CommonConfig } from '../../src/config/CommonConfig.js';
import { expectConfigError } from './expectConfigError.js';
import { SPEC_EXAMPLE_LINES, SPEC_EXAMPLE_PARSED } from './specExample.js';

// The spec's example, byte for byte.
const SPEC_EXAMPLE = [...SPEC_EXAMPLE_LINES, ''].join('\n');

const PLAIN_LINES = [
  'NumberOfPreferredNeighbors 2',
  'UnchokingInterval 5',
  'OptimisticUnchokingInterval 15',
  'FileName TheFile.dat',
  'FileSize 10000232',
  'PieceSize 32768',
];
const PLAIN = PLAIN_LINES.join('\n') + '\n';

const EXPECTED: CommonConfig = SPEC_EXAMPLE_PARSED;

function parse(text: string) {
  return parseCommonConfig(text, 'Common.cfg');
}

/** PLAIN with the line for key replaced by the given line. */
function withLine(key: string, line: string): string {
  return PLAIN_LINES.map((l) => (l.split(' ')[0] === key ? line : l)).join('\n') + '\n';
}

describe('parseCommonConfig: the spec example', () => {
  it('parses to k=2, p=5000 ms, m=15000 ms, TheFile.dat, 10000232 bytes, 32768-byte pieces, 306 pieces', () => {
    const { config, warnings } = parse(SPEC_EXAMPLE);
    expect(config).toEqual(EXPECTED);
    expect(warnings).toEqual([]);
  });

  it('leaves a 5992-byte last piece', () => {
    const { config } = parse(SPEC_EXAMPLE);
    expect(config.fileSize - (config.pieceCount - 1) * config.pieceSize).toBe(5992);
  });

  it('gives an exact piece count when the file is a whole number of pieces', () => {
    expect(parse(withLine('FileSize', 'FileSize 65536')).config.pieceCount).toBe(2);
    expect(parse(withLine('FileSize', 'FileSize 65537')).config.pieceCount).toBe(3);
    expect(parse(withLine('FileSize', 'FileSize 1')).config.pieceCount).toBe(1);
  });
});

describe('parseCommonConfig: tolerance (each gives the spec result)', () => {
  const cases: Array<[string, string]> = [
    ['CRLF line endings', PLAIN.replace(/\n/g, '\r\n')],
    ['lone CR line endings', PLAIN.replace(/\n/g, '\r')],
    ['trailing spaces and tabs', PLAIN_LINES.map((l) => l + ' \t  \t').join('\n')],
    ['no final newline', PLAIN_LINES.join('\n')],
    ['keys in any order', [...PLAIN_LINES].reverse().join('\n')],
    ['whole-line comments', '# Common.cfg\n' + PLAIN_LINES.join('\n# between\n') + '\n# end'],
    ['trailing comments', PLAIN_LINES.map((l) => l + '   # note').join('\n')],
    ['blank lines', '\n\n' + PLAIN_LINES.join('\n\n  \n') + '\n\n'],
    ['a UTF-8 BOM', '\uFEFF' + PLAIN],
    ['tabs between key and value', PLAIN_LINES.map((l) => l.replace(' ', '\t\t')).join('\n')],
    ['leading indentation', PLAIN_LINES.map((l) => '   ' + l).join('\n')],
    ['all at once', '\uFEFF# hi\r\n\r\n' + [...PLAIN_LINES].reverse().map((l) => `\t${l} \t# c`).join('\r\n')],
  ];
  it.each(cases)('%s', (_name, text) => {
    const { config, warnings } = parse(text);
    expect(config).toEqual(EXPECTED);
    expect(warnings).toEqual([]);
  });
});

describe('parseCommonConfig: values', () => {
  it('accepts decimal seconds and converts them to ms', () => {
    const text = withLine('UnchokingInterval', 'UnchokingInterval 0.5').replace(
      'OptimisticUnchokingInterval 15',
      'OptimisticUnchokingInterval 1.25',
    );
    const { config } = parse(text);
    expect(config.unchokingIntervalMs).toBe(500);
    expect(config.optimisticUnchokingIntervalMs).toBe(1250);
  });

  it('rounds seconds to whole ms', () => {
    expect(parse(withLine('UnchokingInterval', 'UnchokingInterval 0.3')).config.unchokingIntervalMs).toBe(300);
    expect(parse(withLine('UnchokingInterval', 'UnchokingInterval 1.005')).config.unchokingIntervalMs).toBe(1005);
  });

  it('accepts the largest allowed PieceSize and FileSize', () => {
    expect(parse(withLine('PieceSize', 'PieceSize 16777216')).config.pieceSize).toBe(16777216);
    const { config } = parse(
      withLine('FileSize', `FileSize ${Number.MAX_SAFE_INTEGER}`).replace('PieceSize 32768', 'PieceSize 16777216'),
    );
    expect(config.fileSize).toBe(Number.MAX_SAFE_INTEGER);
    expect(config.pieceCount).toBe(536870912); // ceil((2^53 - 1) / 2^24) = 2^29
  });

  it('accepts a FileName with dots and a # inside', () => {
    expect(parse(withLine('FileName', 'FileName my.file#1.tar.gz  # c')).config.fileName).toBe('my.file#1.tar.gz');
  });

  it('keeps the known optional keys as strings in extras', () => {
    const text = PLAIN + 'MetaInfo TheFile.meta\nRequestStrategy rarest-first\nMaxRequestsPerPeer 5\n';
    const { config, warnings } = parse(text);
    expect(warnings).toEqual([]);
    expect(config.extras).toEqual(
      new Map([
        ['MetaInfo', 'TheFile.meta'],
        ['RequestStrategy', 'rarest-first'],
        ['MaxRequestsPerPeer', '5'],
      ]),
    );
  });
});

describe('parseCommonConfig: warnings', () => {
  it('warns about an unknown key with its line, and ignores it', () => {
    const { config, warnings } = parse(PLAIN + 'Colour blue\nJustAKey\n');
    expect(config).toEqual(EXPECTED);
    expect(warnings).toEqual([
      { file: 'Common.cfg', line: 7, message: "unknown key 'Colour' ignored" },
      { file: 'Common.cfg', line: 8, message: "unknown key 'JustAKey' ignored" },
    ]);
  });

  it('reads a key in the wrong case as the known key, with a warning', () => {
    const { config, warnings } = parse(withLine('FileSize', 'filesize 10000232') + 'metainfo x.meta\n');
    expect(config).toEqual({ ...EXPECTED, extras: new Map([['MetaInfo', 'x.meta']]) });
    expect(warnings).toEqual([
      { file: 'Common.cfg', line: 5, message: "key 'filesize' read as 'FileSize' (keys are case-sensitive)" },
      { file: 'Common.cfg', line: 7, message: "key 'metainfo' read as 'MetaInfo' (keys are case-sensitive)" },
    ]);
  });
});

describe('parseCommonConfig: errors', () => {
  it.each(PLAIN_LINES.map((l) => l.split(' ')[0]))('a missing %s names the key and the file, with no line', (key) => {
    const text = PLAIN_LINES.filter((l) => !l.startsWith(key + ' ')).join('\n');
    const err = expectConfigError(() => parse(text));
    expect(err.file).toBe('Common.cfg');
    expect(err.line).toBeUndefined();
    expect(err.key).toBe(key);
    expect(err.message).toBe(`Common.cfg: ${key}: missing required key`);
  });

  it('reports a missing key using the file label it was given', () => {
    const err = expectConfigError(() => parseCommonConfig('', 'cfg/dir/Common.cfg'));
    expect(err.file).toBe('cfg/dir/Common.cfg');
    expect(err.message).toBe('cfg/dir/Common.cfg: NumberOfPreferredNeighbors: missing required key');
  });

  const NEIGHBORS = "expected a whole number of neighbors, at least 1, got '%s'";
  const SECONDS = "expected a positive number of seconds, got '%s'";
  const FILE_SIZE = `expected a whole number of bytes from 1 to ${Number.MAX_SAFE_INTEGER}, got '%s'`;
  const PIECE_SIZE = "expected a whole number of bytes from 1 to 16777216 (16 MiB), got '%s'";
  const SEPARATOR = "expected a plain file name without '/' or '\\', got '%s'";
  const DOT_NAME = "expected a file name, got '%s'";
  const malformed: Array<[string, number, string, string]> = [
    ['NumberOfPreferredNeighbors', 1, '0', NEIGHBORS],
    ['NumberOfPreferredNeighbors', 1, '-1', NEIGHBORS],
    ['NumberOfPreferredNeighbors', 1, '1.5', NEIGHBORS],
    ['NumberOfPreferredNeighbors', 1, 'two', NEIGHBORS],
    ['UnchokingInterval', 2, '0', SECONDS],
    ['UnchokingInterval', 2, '-5', SECONDS],
    ['UnchokingInterval', 2, 'NaN', SECONDS],
    ['UnchokingInterval', 2, '5s', SECONDS],
    ['OptimisticUnchokingInterval', 3, 'abc', SECONDS],
    ['OptimisticUnchokingInterval', 3, '0.0', SECONDS],
    ['OptimisticUnchokingInterval', 3, '1e3', SECONDS],
    ['FileName', 4, 'dir/TheFile.dat', SEPARATOR],
    ['FileName', 4, '..\\TheFile.dat', SEPARATOR],
    ['FileName', 4, '.', DOT_NAME],
    ['FileName', 4, '..', DOT_NAME],
    ['FileSize', 5, '0', FILE_SIZE],
    ['FileSize', 5, '10.5', FILE_SIZE],
    ['FileSize', 5, '9007199254740992', FILE_SIZE],
    ['FileSize', 5, '10MB', FILE_SIZE],
    ['PieceSize', 6, '0', PIECE_SIZE],
    ['PieceSize', 6, '16777217', PIECE_SIZE],
    ['PieceSize', 6, '0x8000', PIECE_SIZE],
  ];
  it.each(malformed)('%s %p is an error on line %p', (key, line, value, problem) => {
    const err = expectConfigError(() => parse(withLine(key, `${key} ${value}   # comment`)));
    const expectedProblem = problem.replace('%s', value);
    expect(err.file).toBe('Common.cfg');
    expect(err.line).toBe(line);
    expect(err.key).toBe(key);
    expect(err.problem).toBe(expectedProblem);
    expect(err.message).toBe(`Common.cfg:${line}: ${key}: ${expectedProblem}`);
  });

  it('matches the message format from the brief', () => {
    const err = expectConfigError(() => parse(withLine('OptimisticUnchokingInterval', 'OptimisticUnchokingInterval abc')));
    expect(err.message).toBe(
      "Common.cfg:3: OptimisticUnchokingInterval: expected a positive number of seconds, got 'abc'",
    );
  });

  it('rejects an interval too small to be a whole ms, or too long for a Node timer', () => {
    const tiny = expectConfigError(() => parse(withLine('UnchokingInterval', 'UnchokingInterval 0.0001')));
    expect(tiny.line).toBe(2);
    expect(tiny.key).toBe('UnchokingInterval');
    expect(tiny.problem).toBe("expected at least 0.001 seconds, got '0.0001'");
    const huge = expectConfigError(() => parse(withLine('UnchokingInterval', 'UnchokingInterval 3000000')));
    expect(huge.line).toBe(2);
    expect(huge.problem).toBe("expected at most 2147483.647 seconds (a timer limit), got '3000000'");
  });

  it.each(PLAIN_LINES.map((l, i): [string, number] => [l.split(' ')[0], i + 1]))(
    'a %s line without a value is an error naming the key (line %p)',
    (key, line) => {
      const err = expectConfigError(() => parse(withLine(key, `${key}   # forgot`)));
      expect(err.line).toBe(line);
      expect(err.key).toBe(key);
      expect(err.message).toBe(`Common.cfg:${line}: ${key}: missing value`);
    },
  );

  it('an optional key without a value is an error too', () => {
    const err = expectConfigError(() => parse(PLAIN + 'MetaInfo\n'));
    expect(err.line).toBe(7);
    expect(err.key).toBe('MetaInfo');
    expect(err.problem).toBe('missing value');
  });

  it('a value with spaces is an error', () => {
    const err = expectConfigError(() => parse(withLine('FileName', 'FileName The File.dat')));
    expect(err.line).toBe(4);
    expect(err.key).toBe('FileName');
    expect(err.message).toBe("Common.cfg:4: FileName: expected a single value without spaces, got 'The File.dat'");
  });

  it('a duplicate key is an error naming both lines', () => {
    const err = expectConfigError(() => parse(PLAIN + '\nFileSize 10000232\n'));
    expect(err.file).toBe('Common.cfg');
    expect(err.line).toBe(8);
    expect(err.key).toBe('FileSize');
    expect(err.message).toBe('Common.cfg:8: FileSize: duplicate key (first given on line 5)');
  });

  it('a duplicate is caught across different cases of the same key', () => {
    const err = expectConfigError(() => parse(PLAIN + 'PIECESIZE 32768\n'));
    expect(err.line).toBe(7);
    expect(err.key).toBe('PieceSize');
    expect(err.problem).toBe('duplicate key (first given on line 6)');
  });

  it('a duplicate optional key is an error', () => {
    const err = expectConfigError(() => parse(PLAIN + 'MetaInfo a\nMetaInfo b\n'));
    expect(err.line).toBe(8);
    expect(err.key).toBe('MetaInfo');
    expect(err.problem).toBe('duplicate key (first given on line 7)');
  });

  it('too many pieces for a 4-byte piece index is an error on the FileSize line', () => {
    const err = expectConfigError(() =>
      parse(withLine('FileSize', 'FileSize 4294967297').replace('PieceSize 32768', 'PieceSize 1')),
    );
    expect(err.line).toBe(5);
    expect(err.key).toBe('FileSize');
    expect(err.problem).toBe(
      '4294967297 bytes in pieces of 1 makes 4294967297 pieces, more than a 4-byte piece index can address (4294967296); use a larger PieceSize',
    );
  });

  it('reports the first problem in file order', () => {
    const text = 'FileSize x\nPieceSize y\n';
    const err = expectConfigError(() => parse(text));
    expect(err.line).toBe(1);
    expect(err.key).toBe('FileSize');
  });
});
