import bencode from 'bencode';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { MAX_METAINFO_BYTES } from '../../src/metainfo/limits.js';
import { parseMetaInfo } from '../../src/metainfo/MetaInfo.js';
import { MetaInfoError } from '../../src/metainfo/MetaInfoError.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');

function torrentBytes(info: Record<string, unknown>, extra: Record<string, unknown> = {}): Buffer {
  return bencode.encode({ ...extra, info });
}

const goodInfo = () => ({ length: 10, name: 'f.dat', 'piece length': 4, pieces: Buffer.alloc(60, 7) });

/** Three files of 3 + 0 + 5 bytes in 4-byte pieces: two pieces. */
const multiInfo = (files: unknown[] = [file(['a.txt'], 3), file(['sub', 'empty'], 0), file(['sub', 'b.bin'], 5)]) => ({
  files,
  name: 'album',
  'piece length': 4,
  pieces: Buffer.alloc(40, 1),
});

function file(segments: string[], length: number, attr?: string): Record<string, unknown> {
  return attr === undefined ? { length, path: segments } : { attr, length, path: segments };
}

function refusal(bytes: Buffer): MetaInfoError {
  try {
    parseMetaInfo(bytes, 'x.torrent');
  } catch (error) {
    if (error instanceof MetaInfoError) return error;
    throw error;
  }
  throw new Error('parsed without an error');
}

describe('parseMetaInfo: what it reads', () => {
  test('a single-file torrent: name, size, pieces, hashes, announce, info-hash', () => {
    const meta = parseMetaInfo(torrentBytes(goodInfo(), { announce: 'http://tracker.example/announce' }), 'a.torrent');
    expect(meta).toMatchObject({ name: 'f.dat', length: 10, pieceLength: 4, pieceCount: 3, announce: 'http://tracker.example/announce' });
    expect(meta).toMatchObject({ multiFile: false, files: [{ path: ['f.dat'], length: 10, padding: false }], version: 'v1', isPrivate: false });
    expect(meta.trackerTiers).toEqual([['http://tracker.example/announce']]);
    expect(meta.pieceHashes.map((h) => h.length)).toEqual([20, 20, 20]);
    expect(meta.infoHash.toString('hex')).toBe(createHash('sha1').update(bencode.encode(goodInfo())).digest('hex'));
  });

  test('the info dictionary is kept as its bytes in the file (what ut_metadata serves), unsorted keys and all', () => {
    const info = Buffer.concat([Buffer.from('d4:name5:f.dat6:lengthi10e12:piece lengthi4e6:pieces60:'), Buffer.alloc(60, 7), Buffer.from('e')]);
    const meta = parseMetaInfo(Buffer.concat([Buffer.from('d4:info'), info, Buffer.from('e')]), 'u.torrent');
    expect(meta.infoDictionary).toEqual(info);
    expect(meta.infoHash).toEqual(createHash('sha1').update(info).digest());
  });

  test('a multi-file torrent: the files in order under the folder, a 0-byte one included, the total length', () => {
    const meta = parseMetaInfo(torrentBytes(multiInfo()), 'm.torrent');
    expect(meta).toMatchObject({ name: 'album', multiFile: true, length: 8, pieceCount: 2 });
    expect(meta.files).toEqual([
      { path: ['album', 'a.txt'], length: 3, padding: false },
      { path: ['album', 'sub', 'empty'], length: 0, padding: false },
      { path: ['album', 'sub', 'b.bin'], length: 5, padding: false },
    ]);
  });

  test('announce-list tiers (BEP 12), private (BEP 27), comment, created by, creation date', () => {
    const meta = parseMetaInfo(
      torrentBytes(
        { ...goodInfo(), private: 1 },
        {
          announce: 'http://a/1',
          'announce-list': [['http://a/1', 'http://a/2'], [], ['udp://b/3', '']],
          comment: 'café',
          'created by': 'mktorrent 1.1',
          'creation date': 1_700_000_000,
        },
      ),
      't.torrent',
    );
    expect(meta.trackerTiers).toEqual([['http://a/1', 'http://a/2'], ['udp://b/3']]);
    expect(meta).toMatchObject({ announce: 'http://a/1', isPrivate: true, comment: 'café', createdBy: 'mktorrent 1.1' });
    expect(meta.creationDate?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
  });

  test('no tracker at all, and private other than 1, mean none and not private', () => {
    const meta = parseMetaInfo(torrentBytes({ ...goodInfo(), private: 0 }), 't.torrent');
    expect(meta).toMatchObject({ trackerTiers: [], isPrivate: false, announce: undefined, comment: undefined });
  });

  test('the info-hash is the SHA-1 of the info bytes as they are in the file, even with keys out of order', () => {
    const sorted = bencode.encode(goodInfo()).toString('latin1');
    // Move 'name' before 'length': still valid bencode, but not canonical.
    const unsorted = sorted.replace('d6:lengthi10e4:name5:f.dat', 'd4:name5:f.dat6:lengthi10e');
    expect(unsorted).not.toBe(sorted);
    const bytes = Buffer.from(`d4:info${unsorted}e`, 'latin1');
    const meta = parseMetaInfo(bytes, 'u.torrent');
    expect(meta.infoHash.toString('hex')).toBe(createHash('sha1').update(Buffer.from(unsorted, 'latin1')).digest('hex'));
    expect(meta.infoHash.toString('hex')).not.toBe(createHash('sha1').update(Buffer.from(sorted, 'latin1')).digest('hex'));
  });

  test('a hybrid torrent (BEP 52) made by libtorrent: its v1 part, padding files, and libtorrent’s v1 info-hash', () => {
    const meta = parseMetaInfo(fs.readFileSync(path.join(FIXTURES, 'hybrid.torrent')), 'hybrid.torrent');
    expect(meta.version).toBe('hybrid');
    expect(meta.infoHash.toString('hex')).toBe('d919650f797449d20d1e59ab46b96c94bd7f6acf');
    expect(meta.files.map((f) => [f.path.join('/'), f.length, f.padding])).toEqual([
      ['album/one.bin', 20000, false],
      ['album/.pad/12768', 12768, true],
      ['album/two.bin', 70000, false],
      ['album/.pad/11920', 11920, true],
    ]);
    expect(meta).toMatchObject({ length: 114_688, pieceLength: 16_384, pieceCount: 7 });
  });

  test('padding files may share a path (they are never written)', () => {
    const pad = file(['.pad', '1'], 1, 'p');
    const meta = parseMetaInfo(torrentBytes(multiInfo([file(['a'], 3), pad, file(['b'], 3), pad])), 'p.torrent');
    expect(meta.files.filter((f) => f.padding)).toHaveLength(2);
  });
});

describe('parseMetaInfo: what it refuses, naming the file and the problem', () => {
  const over = 2 ** 48;
  test.each<[string, Buffer, RegExp]>([
    ['bad bencode', Buffer.from('d4:info'), /not valid bencode: the data ends in the middle of a value at byte 7/],
    ['a negative string length (bencode 2 looped forever)', Buffer.from('d4:infol-3:ee'), /not valid bencode: unexpected byte 0x2d/],
    ['not a dictionary', Buffer.from('i42e'), /not a bencoded dictionary/],
    ['trailing bytes', Buffer.concat([torrentBytes(goodInfo()), Buffer.from('junk')]), /trailing bytes/],
    ['deep nesting', Buffer.from('d4:info' + 'l'.repeat(100_000) + 'e'.repeat(100_000) + 'e'), /nested deeper than 100 levels/],
    ['more than the size cap', Buffer.alloc(MAX_METAINFO_BYTES + 1, 0x30), /larger than 32 MiB: too large to be a \.torrent/],
    ['no info', bencode.encode({ announce: 'x' }), /no 'info' dictionary/],
    ['info not a dictionary', bencode.encode({ info: 5 }), /'info' is not a dictionary/],
    ['both length and files', torrentBytes({ ...goodInfo(), files: [file(['a'], 1)] }), /both 'info.length' \(one file\) and 'info.files' \(several\)/],
    ['neither length nor files', torrentBytes({ ...goodInfo(), length: undefined }), /'info.length' \(or 'info.files' for several files\) is missing/],
    ['an empty file list', torrentBytes(multiInfo([])), /'info.files' is empty/],
    ['a file entry not a dictionary', torrentBytes(multiInfo([5])), /'info.files\[0\]' is not a dictionary/],
    ['a file without a path', torrentBytes(multiInfo([{ length: 1 }])), /'info.files\[0\].path' is missing/],
    ['a file with an empty path', torrentBytes(multiInfo([file([], 1)])), /'info.files\[0\].path' is empty/],
    ['a path segment not a string', torrentBytes(multiInfo([{ length: 1, path: [5] }])), /'info.files\[0\].path' segment 0 is not a string/],
    ['a symbolic link (BEP 47)', torrentBytes(multiInfo([file(['a'], 0, 'l')])), /'info.files\[0\].attr' makes 'info.files\[0\]' a symbolic link: not supported/],
    ['a negative file length', torrentBytes(multiInfo([file(['a'], -1)])), /'info.files\[0\].length' must be a whole number of bytes from 0 to 2\^53, got -1/],
    ['a file length past 2^53', torrentBytes(multiInfo([file(['a'], 2 ** 60)])), /'info.files\[0\].length' must be .* got 1152921504606847000/],
    ['a file length that is a string', torrentBytes(multiInfo([{ length: '5', path: ['a'] }])), /'info.files\[0\].length' must be .* got not a number/],
    ['a negative length', torrentBytes({ ...goodInfo(), length: -5 }), /'info.length' .* got -5/],
    ['a total over the cap', torrentBytes(multiInfo([file(['a'], over), file(['b'], 1)])), /describes 281474976710657 bytes in all: more than the 281474976710656/],
    ['a total of 0 bytes', torrentBytes(multiInfo([file(['a'], 0)])), /describes 0 bytes in all: nothing to share/],
    ['a missing name', torrentBytes({ ...goodInfo(), name: undefined }), /'info.name' is missing or not a string/],
    ['a name with a slash', torrentBytes({ ...goodInfo(), name: 'a/b' }), /plain file name, got 'a\/b': a path separator inside one name/],
    ['a name with a backslash', torrentBytes({ ...goodInfo(), name: 'a\\b' }), /plain file name, got 'a\\b': a path separator/],
    ['a name ..', torrentBytes({ ...goodInfo(), name: '..' }), /plain file name, got '..': '..' \(path traversal\)/],
    ['a name .', torrentBytes({ ...goodInfo(), name: '.' }), /got '.': '.' \(path traversal\)/],
    ['an empty name', torrentBytes({ ...goodInfo(), name: '' }), /got '': an empty name/],
    ['an absolute name', torrentBytes({ ...goodInfo(), name: '/etc' }), /got '\/etc': an absolute path/],
    ['a name with NUL', torrentBytes({ ...goodInfo(), name: 'a\0b' }), /got 'a\\x00b': a NUL byte/],
    ['a multi-file name ..', torrentBytes({ ...multiInfo(), name: '..' }), /'info.name' must be a plain file name, got '..'/],
    ['a path segment ..', torrentBytes(multiInfo([file(['ok', '..', 'x'], 1)])), /'info.files\[0\].path' segment 1 is '..': '..' \(path traversal\)/],
    ['a path segment .', torrentBytes(multiInfo([file(['.'], 1)])), /segment 0 is '.': '.' \(path traversal\)/],
    ['an empty path segment', torrentBytes(multiInfo([file(['a', ''], 1)])), /segment 1 is '': an empty name/],
    ['an absolute path segment', torrentBytes(multiInfo([file(['/etc', 'passwd'], 1)])), /segment 0 is '\/etc': an absolute path/],
    ['a Windows drive segment', torrentBytes(multiInfo([file(['C:', 'x'], 1)])), /segment 0 is 'C:': an absolute path/],
    ['a segment with a slash', torrentBytes(multiInfo([file(['a/../../b'], 1)])), /segment 0 is 'a\/..\/..\/b': a path separator inside one name/],
    ['a segment with a backslash', torrentBytes(multiInfo([file(['..\\..\\x'], 1)])), /a path separator inside one name/],
    ['a segment with NUL', torrentBytes(multiInfo([file(['a\0'], 1)])), /segment 0 is 'a\\x00': a NUL byte/],
    ['the same path twice', torrentBytes(multiInfo([file(['a'], 1), file(['a'], 1)])), /'info.files\[1\]' \('album\/a'\) is the same file as 'info.files\[0\]' \('album\/a'\)$/],
    [
      'paths equal but for letter case',
      torrentBytes(multiInfo([file(['Dir', 'A.txt'], 1), file(['dir', 'a.TXT'], 1)])),
      /'info.files\[1\]' \('album\/dir\/a.TXT'\) is the same file as 'info.files\[0\]' \('album\/Dir\/A.txt'\) where letter case is ignored/,
    ],
    ['paths equal but for Unicode composition', torrentBytes(multiInfo([file(['caf\u00e9'], 1), file(['cafe\u0301'], 1)])), /is the same file as 'info.files\[0\]'/],
    ['a file where another needs a folder', torrentBytes(multiInfo([file(['a'], 1), file(['A', 'b'], 1)])), /'info.files\[1\]' \('album\/A\/b'\) needs a folder where 'info.files\[0\]' \('album\/a'\) is a file/],
    ['a folder where another is a file', torrentBytes(multiInfo([file(['a', 'b'], 1), file(['a'], 1)])), /'info.files\[1\]' \('album\/a'\) is a file, but 'info.files\[0\]' \('album\/a\/b'\) needs a folder of that name/],
    ['a zero piece length', torrentBytes({ ...goodInfo(), 'piece length': 0 }), /'info.piece length' is missing or not a positive whole number/],
    ['a negative piece length', torrentBytes({ ...goodInfo(), 'piece length': -4 }), /'info.piece length' is missing or not a positive whole number/],
    ['a missing piece length', torrentBytes({ ...goodInfo(), 'piece length': undefined }), /'info.piece length' is missing/],
    ['a piece length over the cap', torrentBytes({ ...goodInfo(), 'piece length': 2 ** 28 }), /'info.piece length' is 268435456 bytes: more than the 134217728/],
    ['pieces not bytes', torrentBytes({ ...goodInfo(), pieces: 12 }), /'info.pieces' is not a byte string/],
    ['pieces missing', torrentBytes({ ...goodInfo(), pieces: undefined }), /'info.pieces' is missing/],
    ['pieces not a multiple of 20', torrentBytes({ ...goodInfo(), pieces: Buffer.alloc(59) }), /59 bytes, not a multiple of 20/],
    ['a piece count not matching the length', torrentBytes({ ...goodInfo(), pieces: Buffer.alloc(40) }), /holds 2 hashes, but 10 bytes in 4-byte pieces make 3/],
    ['a piece count not matching the files', torrentBytes({ ...multiInfo(), pieces: Buffer.alloc(60) }), /holds 3 hashes, but 8 bytes in 4-byte pieces make 2/],
    ['announce not a string', torrentBytes(goodInfo(), { announce: 5 }), /'announce' is not a string/],
    ['announce-list not a list', torrentBytes(goodInfo(), { 'announce-list': 'http://a' }), /'announce-list' is not a list/],
    ['announce-list with a tier not a list', torrentBytes(goodInfo(), { 'announce-list': ['http://a'] }), /'announce-list' must be a list of tiers, each a list of tracker URLs/],
    ['a comment not a string', torrentBytes(goodInfo(), { comment: 5 }), /'comment' is not a string/],
    ['a creation date not a number', torrentBytes(goodInfo(), { 'creation date': 'today' }), /'creation date' is not a whole number/],
    ['an unknown meta version', torrentBytes({ ...goodInfo(), 'meta version': 3 }), /'info.meta version' is 3: only BEP 52's version 2 is known/],
    ['a v2-only torrent (libtorrent)', fs.readFileSync(path.join(FIXTURES, 'v2only.torrent')), /is a v2-only torrent \(BEP 52 'meta version' 2, no v1 'pieces'\)/],
  ])('%s', (_name, bytes, message) => {
    const error = refusal(bytes);
    expect(error.message).toMatch(/^x\.torrent: /);
    expect(error.message).toMatch(message);
    expect(error.file).toBe('x.torrent');
  });
});
