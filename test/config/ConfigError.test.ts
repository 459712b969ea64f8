import { ConfigError, formatWarning } from '../../src/config/ConfigError.js';

describe('ConfigError', () => {
  it('is an Error and a ConfigError, with its fields and a message naming file, line and key', () => {
    const err = new ConfigError('Common.cfg', 3, 'OptimisticUnchokingInterval', "expected a positive number of seconds, got 'abc'");
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.name).toBe('ConfigError');
    expect(err.file).toBe('Common.cfg');
    expect(err.line).toBe(3);
    expect(err.key).toBe('OptimisticUnchokingInterval');
    expect(err.problem).toBe("expected a positive number of seconds, got 'abc'");
    expect(err.message).toBe(
      "Common.cfg:3: OptimisticUnchokingInterval: expected a positive number of seconds, got 'abc'",
    );
  });

  it('leaves out the line and the key when unknown', () => {
    expect(new ConfigError('cfg/Common.cfg', undefined, 'FileSize', 'missing required key').message).toBe(
      'cfg/Common.cfg: FileSize: missing required key',
    );
    expect(new ConfigError('PeerInfo.cfg', undefined, undefined, 'no peers listed').message).toBe(
      'PeerInfo.cfg: no peers listed',
    );
    expect(new ConfigError('PeerInfo.cfg', 4, undefined, 'bad').message).toBe('PeerInfo.cfg:4: bad');
  });

  it('formats a warning with its location', () => {
    expect(formatWarning({ file: 'Common.cfg', line: 9, message: "unknown key 'Foo' ignored" })).toBe(
      "Common.cfg:9: warning: unknown key 'Foo' ignored",
    );
  });
});
