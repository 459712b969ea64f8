import { BufferPool } from '../BufferPool.js';
import { Dialect } from '../Dialect.js';
import { PieceGeometry } from '../PieceGeometry.js';
import { BtFrameReader } from './FrameReader.js';
import { BtMessage } from './Message.js';
import { encodeBtMessage } from './MessageCodec.js';
import { checkBtMessage } from './MessageRules.js';
import { btFrameLimits } from './limits.js';

export const btDialect: Dialect<BtMessage, BtFrameReader> = {
  name: 'bt',
  newReader: (geometry: PieceGeometry, pool?: BufferPool) => new BtFrameReader(geometry.pieceCount, btFrameLimits(geometry.pieceCount), pool),
  encodeMessage: encodeBtMessage,
  checkMessage: checkBtMessage,
};
