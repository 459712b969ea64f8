import { parsePeerInfo, PeerInfo } from '../../src/config/PeerInfo.js';
import { expectConfigError } from './expectConfigError.js';

const LINES = ['1001 localhost 6008 1', '1002 localhost 6009 0', '1003 lin114-00.cise.ufl.edu 6008 0'];
const PLAIN = LINES.join('\n') + '\n';
const EXPECTED: PeerInfo[] = [
  { peerId: 1001, host: 'localhost', port: 6008, hasFile: true, line: 1 },
  { peerId: 1002, host: 'localhost', port: 6009, hasFile: false, line: 2 },
  { peerId: 1003, host: 'lin114-00.cise.ufl.edu', port: 6008, hasFile: false, line: 3 },
];

function parse(text: string): PeerInfo[] {
  return parsePeerInfo(text, 'PeerInfo.cfg');
}

describe('parsePeerInfo', () => {
  it('parses the spec example line', () => {
    expect(parse('1001 localhost 6008 1')).toEqual([
      { peerId: 1001, host: 'localhost', port: 6008, hasFile: true, line: 1 },
    ]);
  });

  it('keeps the file order, which decides who dials whom', () => {
    const text = ['1005 localhost 7005 0', '1001 localhost 7001 1', '1003 localhost 7003 0'].join('\n');
    expect(parse(text).map((p) => p.peerId)).toEqual([1005, 1001, 1003]);
  });

  it('parses several peers with their lines', () => {
    expect(parse(PLAIN)).toEqual(EXPECTED);
  });

  it('accepts the extreme peer IDs and ports', () => {
    expect(parse('0 a 1 0\n4294967295 a 65535 1')).toEqual([
      { peerId: 0, host: 'a', port: 1, hasFile: false, line: 1 },
      { peerId: 4294967295, host: 'a', port: 65535, hasFile: true, line: 2 },
    ]);
  });

  describe('tolerance (each gives the same result)', () => {
    const cases: Array<[string, string]> = [
      ['CRLF line endings', PLAIN.replace(/\n/g, '\r\n')],
      ['trailing spaces and tabs', LINES.map((l) => l + ' \t ').join('\n')],
      ['no final newline', LINES.join('\n')],
      ['a UTF-8 BOM', '\uFEFF' + PLAIN],
      ['fields separated by tabs and runs of spaces', LINES.map((l) => l.split(' ').join(' \t  ')).join('\n')],
      ['trailing comments', LINES.map((l) => l + '  # peer').join('\n')],
    ];
    it.each(cases)('%s', (_name, text) => {
      expect(parse(text)).toEqual(EXPECTED);
    });

    it('whole-line comments and blank lines (line numbers shift with them)', () => {
      const text = '# peers\n\n' + LINES.join('\n\n') + '\n# end\n';
      expect(parse(text)).toEqual(EXPECTED.map((p, i) => ({ ...p, line: 3 + 2 * i })));
    });
  });

  describe('errors', () => {
    it.each([
      ['1001 localhost 6008', 3],
      ['1001 localhost 6008 1 extra', 5],
      ['1001', 1],
    ])('wrong field count: %p', (line, count) => {
      const err = expectConfigError(() => parse(`${LINES[0].replace('1001', '1000')}\n${line}\n`));
      expect(err.file).toBe('PeerInfo.cfg');
      expect(err.line).toBe(2);
      expect(err.key).toBeUndefined();
      expect(err.message).toBe(
        `PeerInfo.cfg:2: expected 4 fields (peerId host port hasFile), got ${count}: '${line}'`,
      );
    });

    it.each(['abc', '-1', '4294967296', '10.5', '0x10'])('bad peer ID %p', (id) => {
      const err = expectConfigError(() => parse(`${LINES[0]}\n${LINES[1]}\n${id} localhost 7000 0\n`));
      expect(err.file).toBe('PeerInfo.cfg');
      expect(err.line).toBe(3);
      expect(err.key).toBe('peerId');
      expect(err.message).toBe(`PeerInfo.cfg:3: peerId: expected a whole number from 0 to 4294967295, got '${id}'`);
    });

    it.each(['0', '70000', 'abc', '65536', '-80'])('bad port %p', (port) => {
      const err = expectConfigError(() => parse(`${LINES[0]}\n1002 localhost ${port} 0\n`));
      expect(err.line).toBe(2);
      expect(err.key).toBe('port');
      expect(err.message).toBe(`PeerInfo.cfg:2: port: expected a port from 1 to 65535, got '${port}'`);
    });

    it.each(['2', 'yes', 'true', '01', '-1'])('bad hasFile %p', (hasFile) => {
      const err = expectConfigError(() => parse(`1001 localhost 6008 ${hasFile}`));
      expect(err.line).toBe(1);
      expect(err.key).toBe('hasFile');
      expect(err.message).toBe(`PeerInfo.cfg:1: hasFile: expected 1 or 0, got '${hasFile}'`);
    });

    it('duplicate peer ID, naming both lines', () => {
      const err = expectConfigError(() => parse(`${PLAIN}\n1002 otherhost 6010 0\n`));
      expect(err.file).toBe('PeerInfo.cfg');
      expect(err.line).toBe(5);
      expect(err.key).toBe('peerId');
      expect(err.message).toBe('PeerInfo.cfg:5: peerId: duplicate peer ID 1002 (first listed on line 2)');
    });

    it('duplicate peer ID written with leading zeros', () => {
      const err = expectConfigError(() => parse('1001 a 1 0\n01001 b 2 0'));
      expect(err.line).toBe(2);
      expect(err.problem).toBe('duplicate peer ID 1001 (first listed on line 1)');
    });

    it('duplicate host and port, naming both lines', () => {
      const err = expectConfigError(() => parse(`${PLAIN}1004 localhost 6009 0\n`));
      expect(err.file).toBe('PeerInfo.cfg');
      expect(err.line).toBe(4);
      expect(err.key).toBeUndefined();
      expect(err.message).toBe('PeerInfo.cfg:4: duplicate address localhost:6009 (first listed on line 2)');
    });

    it('duplicate host and port with the host in a different case', () => {
      const err = expectConfigError(() => parse('1001 LocalHost 6008 1\n1002 localhost 6008 0'));
      expect(err.line).toBe(2);
      expect(err.problem).toBe('duplicate address localhost:6008 (first listed on line 1)');
    });

    it('brackets an IPv6 host in the duplicate address message', () => {
      const err = expectConfigError(() => parse('1001 ::1 6008 1\n1002 ::1 6008 0'));
      expect(err.problem).toBe('duplicate address [::1]:6008 (first listed on line 1)');
    });

    it.each([
      ['an empty file', ''],
      ['only comments and blank lines', '\uFEFF# no peers yet\r\n\r\n   \r\n'],
    ])('no peers: %s', (_name, text) => {
      const err = expectConfigError(() => parse(text));
      expect(err.file).toBe('PeerInfo.cfg');
      expect(err.line).toBeUndefined();
      expect(err.key).toBeUndefined();
      expect(err.message).toBe('PeerInfo.cfg: no peers listed');
    });
  });
});
