import { dialEveryEarlier } from '../../src/conform/dialRules.js';
import { lateJoinerRun, leecherRun } from './recordings.js';

describe('dial.every-earlier', () => {
  test('each earlier peer dialled, the later one not: passes', () => {
    expect(dialEveryEarlier(lateJoinerRun())).toEqual({
      verdict: 'pass',
      evidence: ['dialled 1001, listed before it (1 connection(s))', 'dialled 1002, listed before it (1 connection(s))', 'did not dial 1004, listed after it'],
    });
  });

  test('an earlier peer never dialled, or a later one dialled: each fails', () => {
    const judged = dialEveryEarlier(
      lateJoinerRun({
        listeners: [
          { peerId: 1001, listedBefore: true, accepted: 1 },
          { peerId: 1002, listedBefore: true, accepted: 0 },
          { peerId: 1004, listedBefore: false, accepted: 2 },
        ],
      }),
    );
    expect(judged).toEqual({
      verdict: 'fail',
      evidence: ['never dialled 1002, listed before it in PeerInfo.cfg', 'dialled 1004, listed after it in PeerInfo.cfg (2 connection(s)): a later peer dials it, not the other way'],
    });
  });

  test('not shown in a scenario where none of ours listened for it', () => {
    expect(dialEveryEarlier(leecherRun()).verdict).toBe('not-shown');
  });
});
