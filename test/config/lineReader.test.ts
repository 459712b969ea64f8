import { readConfigLines } from '../../src/config/lineReader.js';

describe('readConfigLines', () => {
  it('splits lines into fields with 1-based line numbers', () => {
    expect(readConfigLines('a 1\nb 2\n')).toEqual([
      { line: 1, fields: ['a', '1'] },
      { line: 2, fields: ['b', '2'] },
    ]);
  });

  it('skips blank and whitespace-only lines but keeps counting them', () => {
    expect(readConfigLines('\n  \n\t\na 1\n\n')).toEqual([{ line: 4, fields: ['a', '1'] }]);
  });

  it('handles CRLF and lone CR line endings', () => {
    expect(readConfigLines('a 1\r\nb 2\r\n')).toEqual([
      { line: 1, fields: ['a', '1'] },
      { line: 2, fields: ['b', '2'] },
    ]);
    expect(readConfigLines('a 1\rb 2\r\rc 3')).toEqual([
      { line: 1, fields: ['a', '1'] },
      { line: 2, fields: ['b', '2'] },
      { line: 4, fields: ['c', '3'] },
    ]);
  });

  it('drops a leading BOM', () => {
    expect(readConfigLines('\uFEFFa 1\n')).toEqual([{ line: 1, fields: ['a', '1'] }]);
  });

  it('drops whole-line and trailing comments', () => {
    expect(readConfigLines('# header\n  # indented\na 1   # trailing\nb 2\t# tab then comment\n')).toEqual([
      { line: 3, fields: ['a', '1'] },
      { line: 4, fields: ['b', '2'] },
    ]);
  });

  it("keeps a '#' glued inside a value", () => {
    expect(readConfigLines('FileName a#b.dat # the file\n')).toEqual([{ line: 1, fields: ['FileName', 'a#b.dat'] }]);
  });

  it('splits on any run of whitespace and trims both ends', () => {
    expect(readConfigLines('  1001 \t localhost\t\t6008   1 \t')).toEqual([
      { line: 1, fields: ['1001', 'localhost', '6008', '1'] },
    ]);
  });

  it('returns nothing for empty or comment-only text', () => {
    expect(readConfigLines('')).toEqual([]);
    expect(readConfigLines('\uFEFF# only a comment\r\n\r\n')).toEqual([]);
  });
});
