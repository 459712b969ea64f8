import * as fs from 'fs';
import * as path from 'path';
import { readSessionFile, writeSessionFile, type SessionState } from '../../src/daemon/SessionFile.js';
import { makeTempDir, removeTempDir } from '../support/fixtures.js';

let dir: string;
beforeEach(() => (dir = makeTempDir('swarmlab-session-')));
afterEach(() => removeTempDir(dir));

const fresh = (): SessionState => ({
  settings: { downloadDir: '/downloads', peerPort: null, downloadRate: null, uploadRate: null, peerDownloadRate: null, peerUploadRate: null, firstRun: true },
  torrents: [],
});
const HASH = 'ab'.repeat(20);

test('a session is read back as written; none yet is a fresh one', async () => {
  const file = path.join(dir, 'session.json');
  expect(await readSessionFile(file, fresh)).toEqual(fresh());
  const state: SessionState = {
    settings: { ...fresh().settings, peerPort: 7000, downloadRate: 1000, firstRun: false },
    torrents: [{ infoHash: HASH, dir: '/d', paused: true, addedAtMs: 5, limits: { downloadRate: null, uploadRate: 10 }, priorities: ['skip', 'high'], firstAndLastFirst: true }],
  };
  await writeSessionFile(file, state);
  expect(await readSessionFile(file, fresh)).toEqual(state);
});

test.each([
  ['not JSON', '{', 'is not valid JSON'],
  ['another format', '{"format":"x","version":1,"torrents":[]}', 'is not a swarmlab session file of version 1'],
  ['no list', '{"format":"swarmlab-session","version":1}', 'has no "torrents" list'],
  ['a bad rate', '{"format":"swarmlab-session","version":1,"settings":{"downloadRate":-1},"torrents":[]}', 'settings.downloadRate is neither null nor a positive number'],
  ['a bad port', '{"format":"swarmlab-session","version":1,"settings":{"peerPort":70000},"torrents":[]}', 'settings.peerPort is neither null nor a port number'],
  ['a bad hash', '{"format":"swarmlab-session","version":1,"torrents":[{"infoHash":"xyz"}]}', 'torrents[0]: infoHash is not 40 lower-case hex digits'],
  ['a bad priority', `{"format":"swarmlab-session","version":1,"torrents":[{"infoHash":"${HASH}","dir":"/d","paused":false,"addedAtMs":1,"priorities":["urgent"]}]}`, 'torrents[0]: priorities are not a list of skip, low, normal, high'],
])('%s: an error naming the file and what is wrong', async (_case, text, problem) => {
  const file = path.join(dir, 'session.json');
  fs.writeFileSync(file, text);
  await expect(readSessionFile(file, fresh)).rejects.toThrow(`${file}: ${problem}`);
});
