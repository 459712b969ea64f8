import { SentenceBuffer } from '../../src/control/SentenceBuffer.js';

test('keeps the latest lines in order, counts the dropped ones, and starts afresh after a take', () => {
  const buffer = new SentenceBuffer(3);
  expect(buffer.take()).toBeUndefined();
  for (const line of ['a', 'b', 'c', 'd', 'e']) buffer.add(line);
  expect(buffer.take()).toEqual({ lines: ['c', 'd', 'e'], dropped: 2 });
  expect(buffer.take()).toBeUndefined();
  buffer.add('f');
  expect(buffer.take()).toEqual({ lines: ['f'], dropped: 0 });
});
