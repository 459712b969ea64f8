import { DEFAULT_TRACKER_PORT, parseCommonConfig, peerDiscoveryOf, protocolOf, trackerPortOf } from '../../src/config/CommonConfig.js';
import { ConfigError } from '../../src/config/ConfigError.js';

const BASE = ['NumberOfPreferredNeighbors 2', 'UnchokingInterval 5', 'OptimisticUnchokingInterval 15', 'FileName f', 'FileSize 100', 'PieceSize 10'];

function parse(...extra: string[]) {
  return parseCommonConfig([...BASE, ...extra].join('\n'), 'Common.cfg');
}

function errorOf(...extra: string[]): ConfigError {
  try {
    parse(...extra);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe("our optional Common.cfg keys are checked where they are written", () => {
  test('valid values are kept for the layers that use them, without warnings', () => {
    const { config, warnings } = parse('RequestStrategy rarest-first', 'MaxRequestsPerPeer 8', 'MaxUploadRate 2MiB/s', 'MaxNeighbourDownloadRate 500KB/s');
    expect(warnings).toEqual([]);
    expect(Object.fromEntries(config.extras)).toEqual({
      RequestStrategy: 'rarest-first',
      MaxRequestsPerPeer: '8',
      MaxUploadRate: '2MiB/s',
      MaxNeighbourDownloadRate: '500KB/s',
    });
  });

  test.each([
    ['RequestStrategy fastest', 'RequestStrategy', /expected course or rarest-first, got 'fastest'/],
    ['MaxRequestsPerPeer 0', 'MaxRequestsPerPeer', /whole number from 1 to 16/],
    ['MaxRequestsPerPeer 17', 'MaxRequestsPerPeer', /whole number from 1 to 16/],
    ['MaxUploadRate fast', 'MaxUploadRate', /a rate such as 2MiB\/s/],
    ['MaxDownloadRate 0', 'MaxDownloadRate', /a rate such as/],
    ['Protocol bt', 'Protocol', /expected course or bittorrent, got 'bt'/],
    ['TrackerPort 0', 'TrackerPort', /a port number from 1 to 65535, got '0'/],
    ['TrackerPort 70000', 'TrackerPort', /a port number from 1 to 65535/],
    ['PeerDiscovery tracker', 'PeerDiscovery', /expected listed or dht, got 'tracker'/],
  ])('%s is an error naming the file, the line and the key', (line, key, problem) => {
    const error = errorOf(line);
    expect([error.file, error.line, error.key]).toEqual(['Common.cfg', 7, key]);
    expect(error.message).toMatch(problem);
  });
});

describe('Protocol and TrackerPort: a BitTorrent set-up', () => {
  test('without the keys: the course protocol, and the tracker port would be 6969', () => {
    const { config } = parse();
    expect([protocolOf(config), trackerPortOf(config)]).toEqual(['course', DEFAULT_TRACKER_PORT]);
  });

  test('PeerDiscovery: listed (PeerInfo.cfg and the tracker) unless it says dht', () => {
    expect(peerDiscoveryOf(parse().config)).toBe('listed');
    const { config, warnings } = parse('Protocol bittorrent', 'MetaInfo swarm.torrent', 'PeerDiscovery dht');
    expect([warnings, peerDiscoveryOf(config)]).toEqual([[], 'dht']);
  });

  test('Protocol bittorrent with its MetaInfo and a TrackerPort', () => {
    const { config, warnings } = parse('Protocol bittorrent', 'MetaInfo swarm.torrent', 'TrackerPort 7000');
    expect(warnings).toEqual([]);
    expect([protocolOf(config), trackerPortOf(config)]).toEqual(['bittorrent', 7000]);
  });

  test('Protocol bittorrent without a MetaInfo is an error on the Protocol line saying what to add', () => {
    const error = errorOf('TrackerPort 7000', 'Protocol bittorrent');
    expect([error.file, error.line, error.key]).toEqual(['Common.cfg', 8, 'Protocol']);
    expect(error.message).toMatch(/bittorrent needs a MetaInfo key naming the \.torrent/);
  });

  test('Protocol course needs no MetaInfo', () => {
    expect(protocolOf(parse('Protocol course').config)).toBe('course');
  });
});
