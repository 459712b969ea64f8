import { dialFromAddress } from '../../src/net/hosts.js';

describe('dialFromAddress: where our outgoing connections leave from for --bind', () => {
  test.each([
    [undefined, undefined],
    ['0.0.0.0', undefined],
    ['::', undefined],
    ['127.0.0.1', '127.0.0.1'],
    ['10.0.0.2', '10.0.0.2'],
    ['::1', '::1'],
  ])('--bind %s: from %s', (bind, from) => {
    expect(dialFromAddress(bind)).toBe(from);
  });
});
