import { MessageType } from '../wire/index.js';
import { pieceBytes, type ScenarioRun } from './ScenarioRun.js';
import { judge, type Judgement } from './Verdict.js';
import { describeUnit, firstPiecesGiven, messagesOf, piecesInBitfield } from './WireRecord.js';

/** serve.right-bytes: every piece the peer sends is the whole piece, byte for byte the file's. */
export function serveRightBytes(run: ScenarioRun): Judgement {
  const failures: string[] = [];
  const conforming: string[] = [];
  for (const record of run.connections) {
    for (const unit of messagesOf(record, 'peer')) {
      if (unit.message.type !== MessageType.Piece) continue;
      const { index, data } = unit.message;
      const expected = pieceBytes(run, index);
      if (index >= run.pieceCount) failures.push(`piece ${index} of ${run.pieceCount}: ${describeUnit(record.label, unit)}`);
      else if (data.length !== expected.length) failures.push(`${data.length} bytes, the piece has ${expected.length}: ${describeUnit(record.label, unit)}`);
      else if (!data.equals(expected)) failures.push(`bytes differ from the file's piece ${index}: ${describeUnit(record.label, unit)}`);
      else conforming.push(describeUnit(record.label, unit));
    }
  }
  const shown = conforming.length > 0 ? [`${conforming.length} pieces, each whole and right, e.g. ${conforming[0]}`] : [];
  return judge(failures, shown, 'the peer sent no pieces');
}

/**
 * have.after-each-piece: after each piece we give it, the peer sends us `have` for it (protocol.md: to every
 * neighbour). Only a piece's first delivery (in time, on any connection) completes it: one given again
 * (asked twice) owes no second have.
 */
export function haveAfterEachPiece(run: ScenarioRun): Judgement {
  const failures: string[] = [];
  const given = firstPiecesGiven(run.connections);
  for (const [index, { record, unit }] of given) {
    const have = record.units
      .slice(record.units.indexOf(unit) + 1)
      .some((u) => u.side === 'peer' && u.kind === 'message' && u.message.type === MessageType.Have && u.message.index === index);
    if (!have) failures.push(`no have ${index} after ${describeUnit(record.label, unit)}`);
  }
  return judge(failures, given.size > 0 ? [`a have for each of the ${given.size} pieces we gave`] : [], 'we gave the peer no pieces');
}

/**
 * have.to-every-neighbour: after each piece we give it, the peer sends `have` for it to every other
 * neighbour too (have.after-each-piece judges the one that gave it). A neighbour connected after the
 * piece came learns it from the peer's bitfield instead.
 */
export function haveToEveryNeighbour(run: ScenarioRun): Judgement {
  const failures: string[] = [];
  let told = 0;
  for (const [index, { atMs, record: giver }] of firstPiecesGiven(run.connections)) {
    for (const record of run.connections) {
      if (record === giver || (record.units[0]?.atMs ?? Infinity) > atMs) continue;
      const tells = messagesOf(record, 'peer').some(({ message }) => (message.type === MessageType.Have && message.index === index) || (message.type === MessageType.Bitfield && piecesInBitfield(message.bits).includes(index)));
      if (tells) told++;
      else failures.push(`no have ${index} to ${record.label} after the piece came from ${giver.label} at +${Math.round(atMs)}ms`);
    }
  }
  return judge(failures, told > 0 ? [`${told} haves to neighbours other than the one that gave the piece`] : [], 'the peer had only one neighbour while it downloaded');
}

/** file.complete-and-identical: a leecher ends with peer_<id>/<FileName> whole and equal to the file. */
export function fileCompleteAndIdentical(run: ScenarioRun): Judgement {
  const place = `peer_${run.peerId}/${run.fileName}`;
  if (!run.peerFile) return judge([`no ${place} after the run`], [], '');
  if (run.peerFile.length !== run.file.length) return judge([`${place} has ${run.peerFile.length} bytes, the file ${run.file.length}`], [], '');
  for (let index = 0; index < run.pieceCount; index++) {
    const at = index * run.pieceSize;
    if (!run.peerFile.subarray(at, at + run.pieceSize).equals(pieceBytes(run, index))) {
      return judge([`${place}: piece ${index} (bytes ${at}…) differs from the file`], [], '');
    }
  }
  return judge([], [`${place}: ${run.file.length} bytes, identical`], '');
}
