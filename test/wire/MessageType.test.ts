import { MessageType, isMessageType, messageTypeName } from '../../src/wire/index.js';

describe('MessageType', () => {
  test('has the wire values of protocol.md', () => {
    expect([
      MessageType.Choke,
      MessageType.Unchoke,
      MessageType.Interested,
      MessageType.NotInterested,
      MessageType.Have,
      MessageType.Bitfield,
      MessageType.Request,
      MessageType.Piece,
    ]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  test.each([
    [MessageType.Choke, 'choke'],
    [MessageType.Unchoke, 'unchoke'],
    [MessageType.Interested, 'interested'],
    [MessageType.NotInterested, 'not interested'],
    [MessageType.Have, 'have'],
    [MessageType.Bitfield, 'bitfield'],
    [MessageType.Request, 'request'],
    [MessageType.Piece, 'piece'],
  ])('messageTypeName(%d) is %s', (type, name) => {
    expect(messageTypeName(type)).toBe(name);
  });

  test('isMessageType accepts 0..7 only', () => {
    for (let byte = 0; byte <= 7; byte++) expect(isMessageType(byte)).toBe(true);
    for (const byte of [-1, 8, 255, 1.5, NaN]) expect(isMessageType(byte)).toBe(false);
  });
});
