import * as path from 'path';
import { ConfigError } from '../../src/config/ConfigError.js';
import { idRanges, RunConfigError, runConfigFor } from '../../src/logcheck/runConfig.js';
import { correctRun, tempDir, writeConfig } from './runFixture.js';

let folder: ReturnType<typeof tempDir>;
beforeEach(() => (folder = tempDir()));
afterEach(() => folder.remove());

describe('runConfigFor: the config of the logs\' run', () => {
  test('a config listing every log\'s peer gives the facts', () => {
    writeConfig(folder.root, [5001, 5002, 5003, 5004]);
    const { facts, scope } = runConfigFor(correctRun(), 'logs', folder.root);
    expect({ pieceCount: facts?.pieceCount, k: facts?.k, peers: facts?.peers?.map((p) => p.peerId), scope }).toEqual({
      pieceCount: 3,
      k: 2,
      peers: [5001, 5002, 5003, 5004],
      scope: 'with Common.cfg and PeerInfo.cfg',
    });
  });

  test('a config that does not list some log\'s peer is another run\'s', () => {
    writeConfig(folder.root, [5001, 5002]);
    expect(() => runConfigFor(correctRun(), 'logs', folder.root)).toThrow(
      new RunConfigError(
        `logs holds the logs of peer 5003, which ${path.join(folder.root, 'PeerInfo.cfg')} does not list (it lists 5001-5002): pass --config-dir the folder of the experiment's Common.cfg and PeerInfo.cfg`,
      ),
    );
  });

  test('a --config-dir that is missing or not a folder', () => {
    expect(() => runConfigFor(correctRun(), 'logs', path.join(folder.root, 'nope'))).toThrow(new RunConfigError(`--config-dir ${path.join(folder.root, 'nope')}: no such folder`));
    writeConfig(folder.root, [5001]);
    const file = path.join(folder.root, 'Common.cfg');
    expect(() => runConfigFor(correctRun(), 'logs', file)).toThrow(new RunConfigError(`--config-dir ${file}: not a folder`));
  });

  test('a --config-dir without the files is a config error', () => {
    expect(() => runConfigFor(correctRun(), 'logs', folder.root)).toThrow(ConfigError);
  });
});

test.each<[number[], string]>([
  [[1001, 1002, 1003, 1004, 1005, 1006], '1001-1006'],
  [[5003, 5001, 5002, 5007, 5009, 5010], '5001-5003, 5007, 5009-5010'],
  [[7], '7'],
])('idRanges %j', (ids, text) => expect(idRanges(ids)).toBe(text));
