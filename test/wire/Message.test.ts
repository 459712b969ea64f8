import { Message, MessageType, describeMessage } from '../../src/wire/index.js';

describe('describeMessage', () => {
  test.each<[Message, string]>([
    [{ type: MessageType.Choke }, 'choke'],
    [{ type: MessageType.Unchoke }, 'unchoke'],
    [{ type: MessageType.Interested }, 'interested'],
    [{ type: MessageType.NotInterested }, 'not interested'],
    [{ type: MessageType.Have, index: 5 }, 'have 5'],
    [{ type: MessageType.Request, index: 12 }, 'request 12'],
    [{ type: MessageType.Bitfield, bits: Buffer.alloc(39) }, 'bitfield (39 bytes)'],
    [{ type: MessageType.Piece, index: 3, data: Buffer.alloc(32768) }, 'piece 3 (32768 bytes)'],
  ])('case %#', (message, text) => {
    expect(describeMessage(message)).toBe(text);
  });
});
