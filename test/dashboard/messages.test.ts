import { RequestError, parseRequest } from '../../src/dashboard/messages.js';

const known = (peerId: number) => peerId === 1002 || peerId === 1003;
const parse = (message: unknown) => parseRequest(typeof message === 'string' ? message : JSON.stringify(message), known);

/** The RequestError a message gets, as {id, message}. */
function refusal(message: unknown): { id?: number; message: string } {
  try {
    parse(message);
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
    return { id: error.id, message: error.message };
  }
  throw new Error(`accepted ${JSON.stringify(message)}`);
}

describe('parseRequest: what a page may ask', () => {
  test.each(['pause', 'resume', 'kill', 'restart'] as const)('%s of a known peer', (action) => {
    expect(parse({ type: 'command', id: 7, peerId: 1002, action })).toEqual({ id: 7, peerId: 1002, action });
  });

  test('set-limits reads rates with the command line units; empty or missing is unlimited', () => {
    expect(parse({ type: 'command', id: 1, peerId: 1003, action: 'set-limits', upload: '500KiB/s', download: '2MB/s' })).toEqual({
      id: 1,
      peerId: 1003,
      action: 'set-limits',
      uploadBytesPerSecond: 512_000,
      downloadBytesPerSecond: 2_000_000,
    });
    expect(parse({ type: 'command', id: 2, peerId: 1003, action: 'set-limits', upload: ' ', download: '' })).toEqual({
      id: 2,
      peerId: 1003,
      action: 'set-limits',
      uploadBytesPerSecond: undefined,
      downloadBytesPerSecond: undefined,
    });
    expect(parse({ type: 'command', id: 3, peerId: 1003, action: 'set-limits' })).toMatchObject({ uploadBytesPerSecond: undefined, downloadBytesPerSecond: undefined });
  });

  test.each([
    ['not JSON', '{pause', /not JSON/],
    ['an array', [], /JSON object/],
    ['null', null, /JSON object/],
    ['no id', { type: 'command', peerId: 1002, action: 'pause' }, /id must be/],
    ['a negative id', { type: 'command', id: -1, peerId: 1002, action: 'pause' }, /id must be/],
    ['a fractional id', { type: 'command', id: 1.5, peerId: 1002, action: 'pause' }, /id must be/],
  ])('%s: refused without an id to answer to', (_, message, problem) => {
    const { id, message: text } = refusal(message);
    expect(id).toBeUndefined();
    expect(text).toMatch(problem);
  });

  test.each([
    ['another type', { type: 'hello', id: 4, peerId: 1002, action: 'pause' }, /unknown message type "hello"/],
    ['an unknown action', { type: 'command', id: 4, peerId: 1002, action: 'explode' }, /unknown action "explode"; expected one of pause, resume, kill, restart, set-limits/],
    ['no action', { type: 'command', id: 4, peerId: 1002 }, /unknown action undefined/],
    ['an unknown peer', { type: 'command', id: 4, peerId: 4242, action: 'pause' }, /unknown peer 4242/],
    ['a peer ID as text', { type: 'command', id: 4, peerId: '1002', action: 'pause' }, /unknown peer "1002"/],
    ['a field pause does not take', { type: 'command', id: 4, peerId: 1002, action: 'pause', upload: '1KB' }, /unexpected field upload for pause/],
    ['an unknown field', { type: 'command', id: 4, peerId: 1002, action: 'set-limits', neighbourUpload: '1KB' }, /unexpected field neighbourUpload/],
    ['a bad rate', { type: 'command', id: 4, peerId: 1002, action: 'set-limits', upload: 'fast' }, /bad upload rate 'fast': expected e.g. 500KiB\/s/],
    ['a zero rate', { type: 'command', id: 4, peerId: 1002, action: 'set-limits', download: '0' }, /bad download rate '0'/],
    ['a rate as a number', { type: 'command', id: 4, peerId: 1002, action: 'set-limits', upload: 1000 }, /upload rate must be text/],
    ['a very long rate', { type: 'command', id: 4, peerId: 1002, action: 'set-limits', upload: '1'.repeat(100) }, /upload rate must be text/],
  ])('%s: refused, answering the request id', (_, message, problem) => {
    const { id, message: text } = refusal(message);
    expect(id).toBe(4);
    expect(text).toMatch(problem);
  });
});
