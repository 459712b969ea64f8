import { peerFlags } from '../../src/daemon/peerView.js';

const base = { amInterested: false, choking: true, interested: false, amChoking: true, direction: 'outbound' as const };

test.each([
  [{}, ''],
  [{ amInterested: true }, 'd'],
  [{ amInterested: true, choking: false }, 'D'],
  [{ choking: false }, 'K'],
  [{ interested: true }, 'u'],
  [{ interested: true, amChoking: false }, 'U'],
  [{ amChoking: false }, '?'],
  [{ amInterested: true, choking: false, interested: true, amChoking: false, direction: 'inbound' as const }, 'DUI'],
])('µTorrent\'s letters: %j is "%s"', (state, flags) => {
  expect(peerFlags({ ...base, ...state })).toBe(flags);
});
