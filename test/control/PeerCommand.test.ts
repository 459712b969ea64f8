import { applyLimitChanges, parsePeerCommand } from '../../src/control/PeerCommand.js';

describe('parsePeerCommand', () => {
  it('takes the four kinds', () => {
    expect(parsePeerCommand({ kind: 'pause' })).toEqual({ kind: 'pause' });
    expect(parsePeerCommand({ kind: 'resume' })).toEqual({ kind: 'resume' });
    expect(parsePeerCommand({ kind: 'stop' })).toEqual({ kind: 'stop' });
    expect(parsePeerCommand({ kind: 'set-limits', limits: { uploadBytesPerSecond: '2MiB/s', downloadBytesPerSecond: 1000, neighbourUploadBytesPerSecond: null, neighbourDownloadBytesPerSecond: '' } })).toEqual({
      kind: 'set-limits',
      limits: { uploadBytesPerSecond: 2 * 1024 * 1024, downloadBytesPerSecond: 1000, neighbourUploadBytesPerSecond: null, neighbourDownloadBytesPerSecond: null },
    });
  });

  it.each([
    [null, /JSON object/],
    ['pause', /JSON object/],
    [{ kind: 'reboot' }, /unknown command kind "reboot"/],
    [{ kind: 'set-limits' }, /needs "limits"/],
    [{ kind: 'set-limits', limits: { upload: 5 } }, /unknown limit "upload"/],
    [{ kind: 'set-limits', limits: { uploadBytesPerSecond: 'fast' } }, /uploadBytesPerSecond: "fast" is not a rate/],
    [{ kind: 'set-limits', limits: { uploadBytesPerSecond: -5 } }, /is not a rate/],
    [{ kind: 'set-limits', limits: { uploadBytesPerSecond: 1.5 } }, /is not a rate/],
    [{ kind: 'set-limits', limits: { uploadBytesPerSecond: true } }, /is not a rate/],
  ])('refuses %j with a reason', (value, reason) => {
    expect(() => parsePeerCommand(value)).toThrow(reason);
  });
});

test('limit changes: a number sets, null lifts, a missing key keeps', () => {
  const current = { uploadBytesPerSecond: 100, downloadBytesPerSecond: 200, neighbourUploadBytesPerSecond: 50 };
  expect(applyLimitChanges(current, { uploadBytesPerSecond: 300, downloadBytesPerSecond: null })).toEqual({ uploadBytesPerSecond: 300, neighbourUploadBytesPerSecond: 50 });
  expect(current).toEqual({ uploadBytesPerSecond: 100, downloadBytesPerSecond: 200, neighbourUploadBytesPerSecond: 50 });
});
