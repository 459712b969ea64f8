/**
 * The spec's log sentences as patterns, for checking any implementation's
 * `log_peer_<id>.log`: one line is `<time>: <sentence>`, where the time format
 * is each implementation's own, so only the sentence is matched exactly.
 */
export type SpecEvent =
  | { kind: 'makesConnection'; peer: number; other: number }
  | { kind: 'connectedFrom'; peer: number; other: number }
  | { kind: 'preferredNeighbors'; peer: number; neighbours: number[] }
  | { kind: 'optimisticNeighbor'; peer: number; other: number }
  | { kind: 'unchokedBy'; peer: number; other: number }
  | { kind: 'chokedBy'; peer: number; other: number }
  | { kind: 'receivedHave'; peer: number; other: number; index: number }
  | { kind: 'receivedInterested'; peer: number; other: number }
  | { kind: 'receivedNotInterested'; peer: number; other: number }
  | { kind: 'downloadedPiece'; peer: number; index: number; other: number; count: number }
  | { kind: 'completeFile'; peer: number };

const ID = '(\\d+)';
const SENTENCES: ReadonlyArray<[RegExp, (m: RegExpExecArray) => SpecEvent]> = [
  [new RegExp(`^Peer ${ID} makes a connection to Peer ${ID}\\.$`), (m) => ({ kind: 'makesConnection', peer: +m[1], other: +m[2] })],
  [new RegExp(`^Peer ${ID} is connected from Peer ${ID}\\.$`), (m) => ({ kind: 'connectedFrom', peer: +m[1], other: +m[2] })],
  [
    new RegExp(`^Peer ${ID} has the preferred neighbors (\\d+(?:, ?\\d+)*)\\.$`),
    (m) => ({ kind: 'preferredNeighbors', peer: +m[1], neighbours: m[2].split(',').map((s) => +s.trim()) }),
  ],
  [new RegExp(`^Peer ${ID} has the optimistically unchoked neighbor ${ID}\\.$`), (m) => ({ kind: 'optimisticNeighbor', peer: +m[1], other: +m[2] })],
  [new RegExp(`^Peer ${ID} is unchoked by ${ID}\\.$`), (m) => ({ kind: 'unchokedBy', peer: +m[1], other: +m[2] })],
  [new RegExp(`^Peer ${ID} is choked by ${ID}\\.$`), (m) => ({ kind: 'chokedBy', peer: +m[1], other: +m[2] })],
  [
    new RegExp(`^Peer ${ID} received the 'have' message from ${ID} for the piece ${ID}\\.$`),
    (m) => ({ kind: 'receivedHave', peer: +m[1], other: +m[2], index: +m[3] }),
  ],
  [new RegExp(`^Peer ${ID} received the 'interested' message from ${ID}\\.$`), (m) => ({ kind: 'receivedInterested', peer: +m[1], other: +m[2] })],
  [
    new RegExp(`^Peer ${ID} received the 'not interested' message from ${ID}\\.$`),
    (m) => ({ kind: 'receivedNotInterested', peer: +m[1], other: +m[2] }),
  ],
  [
    new RegExp(`^Peer ${ID} has downloaded the piece ${ID} from ${ID}\\. Now the number of pieces it has is ${ID}\\.$`),
    (m) => ({ kind: 'downloadedPiece', peer: +m[1], index: +m[2], other: +m[3], count: +m[4] }),
  ],
  [new RegExp(`^Peer ${ID} has downloaded the complete file\\.$`), (m) => ({ kind: 'completeFile', peer: +m[1] })],
];

/** The sentence starts after the first ': ' that is followed by 'Peer '. */
const LINE = /^(.+?): (Peer \d+ .*)$/;

export interface ParsedLine {
  time: string;
  /** The line after its time: the spec sentence as written. */
  sentence: string;
  event: SpecEvent;
}

/** Parses one log line, or returns undefined when it is not one of the spec's sentences. */
export function parseLogLine(line: string): ParsedLine | undefined {
  const parts = LINE.exec(line.trimEnd());
  if (!parts) return undefined;
  for (const [pattern, build] of SENTENCES) {
    const match = pattern.exec(parts[2]);
    if (match) return { time: parts[1], sentence: parts[2], event: build(match) };
  }
  return undefined;
}
