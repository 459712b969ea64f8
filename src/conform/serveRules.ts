import { MessageType } from '../wire/index.js';
import type { ScenarioRun } from './ScenarioRun.js';
import { judge, type Judgement } from './Verdict.js';
import { describeUnit, type ConnectionRecord, type WireUnit } from './WireRecord.js';

// protocol.md, "Serving": answer requests only from neighbours we have unchoked. Judged on the order of
// one connection's bytes, so no timing: a piece the peer wrote after its own choke (and before its next
// unchoke) was served to a choked neighbour, whenever our request came.

/** Where one connection stood, from the peer's own messages: never unchoked yet, unchoked, or choked again. */
type ServeStanding = 'never-unchoked' | 'unchoked' | 'choked-again';

/** Each of our requests and each of the peer's pieces on one connection, with the standing the peer had given us then. */
function walkServing(record: ConnectionRecord, visit: (unit: WireUnit, standing: ServeStanding) => void): void {
  let standing: ServeStanding = 'never-unchoked';
  for (const unit of record.units) {
    if (unit.kind !== 'message') continue;
    const { type } = unit.message;
    if (unit.side === 'peer' && type === MessageType.Unchoke) standing = 'unchoked';
    else if (unit.side === 'peer' && type === MessageType.Choke) standing = 'choked-again';
    else if ((unit.side === 'peer' && type === MessageType.Piece) || (unit.side === 'us' && type === MessageType.Request)) visit(unit, standing);
  }
}

/** Pieces the peer sent while we stood `standing`; conforming when our requests came then and none was served. */
function noPieceWhile(run: ScenarioRun, standing: ServeStanding, when: string): Judgement {
  const failures: string[] = [];
  let asked = 0;
  for (const record of run.connections) {
    walkServing(record, (unit, now) => {
      if (now !== standing) return;
      if (unit.side === 'peer') failures.push(`a piece ${when}: ${describeUnit(record.label, unit)}`);
      else asked++;
    });
  }
  return judge(failures, asked > 0 ? [`${asked} of our requests came ${when}; no piece was sent then`] : [], `none of our requests came ${when}`);
}

/** serve.only-unchoked: no piece to a neighbour before the peer has unchoked it. */
export function serveOnlyUnchoked(run: ScenarioRun): Judgement {
  return noPieceWhile(run, 'never-unchoked', 'before the peer had unchoked us');
}

/** serve.none-after-choke: no piece after the peer chokes a neighbour, until it unchokes it again. */
export function serveNoneAfterChoke(run: ScenarioRun): Judgement {
  return noPieceWhile(run, 'choked-again', 'after the peer had choked us');
}
