import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { COMMON_CFG, PEER_INFO_CFG, findPeer, loadConfig } from '../../src/config/Config.js';
import * as configIndex from '../../src/config/index.js';
import { expectConfigError } from './expectConfigError.js';
import { SPEC_EXAMPLE_LINES, SPEC_EXAMPLE_PARSED } from './specExample.js';

const COMMON = [...SPEC_EXAMPLE_LINES, 'Extra yes', ''].join('\r\n');
const PEERS = '1001 localhost 6008 1\n1002 localhost 6009 0\n';

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-config-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exports the file names', () => {
    expect(COMMON_CFG).toBe('Common.cfg');
    expect(PEER_INFO_CFG).toBe('PeerInfo.cfg');
  });

  it('reads both files from the directory', () => {
    fs.writeFileSync(path.join(dir, COMMON_CFG), COMMON);
    fs.writeFileSync(path.join(dir, PEER_INFO_CFG), PEERS);
    const config = loadConfig(dir);
    expect(config.dir).toBe(dir);
    expect(config.common).toEqual(SPEC_EXAMPLE_PARSED);
    expect(config.peers).toEqual([
      { peerId: 1001, host: 'localhost', port: 6008, hasFile: true, line: 1 },
      { peerId: 1002, host: 'localhost', port: 6009, hasFile: false, line: 2 },
    ]);
    expect(config.warnings).toEqual([
      { file: path.join(dir, COMMON_CFG), line: 7, message: "unknown key 'Extra' ignored" },
    ]);
  });

  it('labels parse errors with the path as given', () => {
    fs.writeFileSync(path.join(dir, COMMON_CFG), COMMON);
    fs.writeFileSync(path.join(dir, PEER_INFO_CFG), '1001 localhost 0 1\n');
    const err = expectConfigError(() => loadConfig(dir));
    expect(err.file).toBe(path.join(dir, PEER_INFO_CFG));
    expect(err.line).toBe(1);
    expect(err.message).toBe(`${path.join(dir, PEER_INFO_CFG)}:1: port: expected a port from 1 to 65535, got '0'`);
  });

  it('a missing Common.cfg is a ConfigError naming the path', () => {
    fs.writeFileSync(path.join(dir, PEER_INFO_CFG), PEERS);
    const err = expectConfigError(() => loadConfig(dir));
    expect(err.file).toBe(path.join(dir, COMMON_CFG));
    expect(err.line).toBeUndefined();
    expect(err.key).toBeUndefined();
    expect(err.message).toBe(`${path.join(dir, COMMON_CFG)}: file not found`);
  });

  it('a missing PeerInfo.cfg is a ConfigError naming the path', () => {
    fs.writeFileSync(path.join(dir, COMMON_CFG), COMMON);
    const err = expectConfigError(() => loadConfig(dir));
    expect(err.file).toBe(path.join(dir, PEER_INFO_CFG));
    expect(err.message).toBe(`${path.join(dir, PEER_INFO_CFG)}: file not found`);
  });

  it('a missing directory is reported as a missing file', () => {
    const missing = path.join(dir, 'nope');
    const err = expectConfigError(() => loadConfig(missing));
    expect(err.message).toBe(`${path.join(missing, COMMON_CFG)}: file not found`);
  });

  it('a directory where a file should be is a ConfigError', () => {
    fs.mkdirSync(path.join(dir, COMMON_CFG));
    const err = expectConfigError(() => loadConfig(dir));
    expect(err.file).toBe(path.join(dir, COMMON_CFG));
    expect(err.problem).toBe('is a directory, not a file');
  });
});

describe('findPeer', () => {
  const config = {
    common: {} as never,
    peers: [
      { peerId: 1001, host: 'localhost', port: 6008, hasFile: true, line: 1 },
      { peerId: 1002, host: 'localhost', port: 6009, hasFile: false, line: 2 },
    ],
    warnings: [],
    dir: 'cfg',
  };

  it('returns the listed peer', () => {
    expect(findPeer(config, 1002)).toBe(config.peers[1]);
  });

  it('throws a ConfigError for an unlisted peer', () => {
    const err = expectConfigError(() => findPeer(config, 1009));
    expect(err.file).toBe(path.join('cfg', PEER_INFO_CFG));
    expect(err.line).toBeUndefined();
    expect(err.key).toBeUndefined();
    expect(err.problem).toBe('peer 1009 is not listed in PeerInfo.cfg');
    expect(err.message).toBe(`${path.join('cfg', PEER_INFO_CFG)}: peer 1009 is not listed in PeerInfo.cfg`);
  });
});

describe('index', () => {
  it('re-exports the public API', () => {
    for (const name of [
      'ConfigError',
      'formatWarning',
      'readConfigLines',
      'parseCommonConfig',
      'parsePeerInfo',
      'loadConfig',
      'findPeer',
      'COMMON_CFG',
      'PEER_INFO_CFG',
    ]) {
      expect(configIndex).toHaveProperty(name);
    }
  });
});
