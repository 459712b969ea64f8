/**
 * Each rule fails when it should, against a real process: brokenpeer.py is
 * the independent Python peer (test/interop/pypeer.py) with one deliberate
 * fault, and each fault must fail exactly its rule, with evidence, in the
 * scenario that shows it (the Python peer without a fault passes every rule:
 * conformPeers.test.ts).
 */
import { jest } from '@jest/globals';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { byRateScenario } from '../../src/conform/byRateScenario.js';
import { lateJoinerScenario } from '../../src/conform/lateJoinerScenario.js';
import { judgeRuns } from '../../src/conform/rules.js';
import { leecherScenario, removeWorkDir, seederScenario } from '../../src/conform/scenarios.js';
import { twoSourcesScenario } from '../../src/conform/twoSourcesScenario.js';
import { missingToolError } from '../support/requiredTools.js';

const BROKEN_PEER = path.join(import.meta.dirname, 'brokenpeer.py');
const PYTHON = process.env.PYTHON ?? 'python3';
/**
 * Per scenario: a right leecher scenario takes 2-3 s (the peer that never exits is stopped at this
 * bound), a right seeder scenario 4-8 s (one with a slow choice of neighbours up to 15 s), a right late joiner 2-3 s, a right by-rate scenario 7-8 s,
 * a right two-sources scenario 3-6 s (one that never completes is stopped at this bound).
 */
const SCENARIO_TIMEOUT_MS = { leecher: 8_000, seeder: 24_000, 'late-joiner': 8_000, 'by-rate': 16_000, 'two-sources': 12_000 };

jest.setTimeout(50_000);

beforeAll(() => {
  if (spawnSync(PYTHON, ['--version']).status !== 0) throw missingToolError('python3', PYTHON);
});

const SCENARIOS = { leecher: leecherScenario, seeder: seederScenario, 'late-joiner': lateJoinerScenario, 'by-rate': byRateScenario, 'two-sources': twoSourcesScenario };

/** A piece the peer never asks again never comes: its copy lacks it, it never finishes (so never exits), its log never reaches the total. */
const NEVER_COMPLETES = ['file.complete-and-identical', 'exit.by-itself', 'log.sentences'];

/** In the seeder scenario any of our four leechers may be the first to see a fault: which dials first is the machine's choice. */
const CASES: [fault: string, scenario: keyof typeof SCENARIOS, rule: string, evidence: RegExp, alsoFailing?: string[]][] = [
  ['bad-padding', 'leecher', 'handshake.exact-bytes', /^\[leecher\] byte 20 \(padding\) is 0x01, expected 0x00: seeder 1001, peer→us @0 \+\d+ms: handshake \[50 32/],
  ['wrong-id', 'leecher', 'handshake.peer-id', /^\[leecher\] peer ID 1003, expected 1002: /],
  ['waits-for-handshake', 'leecher', 'handshake.sent-at-once', /^\[leecher\] sent only after ours \(\+\d+ms\): seeder 1001, peer→us @0/],
  ['claims-a-piece', 'leecher', 'bitfield.none-when-empty', /^\[leecher\] a bit set for piece 0, which the peer did not have: seeder 1001, peer→us @32 \+\d+ms: bitfield \(2 bytes\) \[00 00 00 03 05 80 00\]/],
  ['never-interested', 'leecher', 'interest.interested-when-needed', /^\[leecher\] seeder 1001: no interested after seeder 1001, us→peer @32 \+\d+ms: bitfield \(2 bytes\) \[00 00 00 03 05 ff c0\]/],
  ['two-requests', 'leecher', 'request.one-at-a-time', /^\[leecher\] seeder 1001, peer→us @\d+ \+\d+ms: request \d .* while seeder 1001, peer→us @\d+ \+\d+ms: request \d .* was unanswered/],
  ['request-while-choked', 'leecher', 'request.only-while-unchoked', /^\[leecher\] a request while choked: seeder 1001, peer→us @\d+ \+\d+ms: request \d/],
  ['no-have', 'leecher', 'have.after-each-piece', /^\[leecher\] no have \d after seeder 1001, us→peer @\d+ \+\d+ms: piece \d/],
  ['corrupt-file', 'leecher', 'file.complete-and-identical', /^\[leecher\] peer_1002\/conform.dat: piece 0 \(bytes 0…\) differs from the file$/],
  ['never-exits', 'leecher', 'exit.by-itself', /^\[leecher\] still running when stopped at \+\d+ms \(every peer had the file at \+\d+ms\)$/],
  ['off-spec-log', 'leecher', 'log.sentences', /^\[leecher\] log_peer_1002\.log:\d+ spec sentence: not one of the spec's sentences: .* is unchoked by Peer 1001\./],
  ['spare-bits', 'seeder', 'bitfield.length-and-spare-bits', /^\[seeder\] bitfield has spare bits set \(10 pieces\): leecher 100[2-5], peer→us @32 \+\d+ms: bitfield \(2 bytes\) \[00 00 00 03 05 ff c1\]/],
  ['bitfield-not-first', 'seeder', 'bitfield.after-handshake', /^\[seeder\] the first message after the handshake is not a bitfield: leecher 100[2-5], peer→us @32 \+\d+ms: not interested/],
  ['bad-piece-bytes', 'seeder', 'serve.right-bytes', /^\[seeder\] bytes differ from the file's piece \d: leecher 100\d, peer→us/],
  ['unchoke-too-many', 'seeder', 'choke.max-unchoked', /^\[seeder\] 4 unchoked at once \(k = 2, so at most 3\) from \+\d+ms for \d+ms: \{leecher 1002, leecher 1003, leecher 1004, leecher 1005\}$/],
  ['slow-rechoice', 'seeder', 'choke.rechoice-every-p', /^\[seeder\] a preferred slot free while an interested neighbour waited choked from \+\d+ms to \+\d+ms \(\d+ms, limit 2000ms\)/],
  ['serve-before-unchoke', 'seeder', 'serve.only-unchoked', /^\[seeder\] a piece before the peer had unchoked us: leecher 100[2-5], peer→us @\d+ \+\d+ms: piece 0 /],
  ['serve-after-choke', 'seeder', 'serve.none-after-choke', /^\[seeder\] a piece after the peer had choked us: leecher 100[2-5], peer→us @\d+ \+\d+ms: piece \d /],
  ['stays-interested', 'leecher', 'interest.not-interested-at-end', /^\[leecher\] still interested after it had every piece \(\+\d+ms\): last seeder 1001, peer→us @32 \+\d+ms: interested/],
  ['asks-held', 'leecher', 'request.never-held', /^\[leecher\] a request for a piece it had told us it has: seeder 1001, peer→us @\d+ \+\d+ms: request \d/],
  ['dials-later-peers', 'late-joiner', 'dial.every-earlier', /^\[late-joiner\] dialled 1004, listed after it in PeerInfo.cfg \(1 connection\(s\)\): a later peer dials it, not the other way$/],
  ['ignores-have-interest', 'late-joiner', 'interest.updated-after-have', /^\[late-joiner\] no interested after earlier 1002, us→peer @\d+ \+\d+ms: have \d .*, a piece it lacked$/],
  ['no-have-to-accepted', 'late-joiner', 'have.to-every-neighbour', /^\[late-joiner\] no have \d to later 1004 after the piece came from earlier 100[12] at \+\d+ms$/],
  ['never-optimistic', 'by-rate', 'choke.optimistic-every-m', /^\[by-rate\] only 2 neighbours feeding it unchoked while one giving nothing waited choked and interested from \+\d+ms to \+\d+ms \(\d+ms, limit 3000ms\): unchoked \{feeder 1001, feeder 1002\}/],
  ['prefers-slowest', 'by-rate', 'choke.by-rate-when-leeching', /^\[by-rate\] a neighbour feeding it waited choked and interested while one giving nothing was unchoked from \+\d+ms to \+\d+ms \(\d+ms, limit 2000ms\)/],
  ['request-twice', 'two-sources', 'request.never-twice', /^\[two-sources\] source 100[12], peer→us @\d+ \+\d+ms: request (\d) .* while source 100[12], peer→us @\d+ \+\d+ms: request \1 .* was unanswered$/],
  ['forget-choked-request', 'two-sources', 'request.reasked-after-choke', /^\[two-sources\] source 1001, peer→us @37 \+\d+ms: request \d .* cut by our choke at \+\d+ms, unchoked again, and never asked again by the end \(\+\d+ms\)$/, NEVER_COMPLETES],
];

test.each(CASES)('fault %s in the %s scenario fails %s alone (or with its named consequences), with evidence', async (fault, scenario, rule, evidence, alsoFailing = []) => {
  const outcome = await SCENARIOS[scenario]({ command: [PYTHON, BROKEN_PEER, '{id}', '--fault', fault], timeoutMs: SCENARIO_TIMEOUT_MS[scenario] });
  try {
    const failing = judgeRuns([outcome.run]).filter((r) => r.verdict === 'fail');
    const expected = [rule, ...alsoFailing];
    expect({ failing: failing.map((r) => r.id), output: failing.length === expected.length ? [] : outcome.output }).toEqual({ failing: expected, output: [] });
    expect(failing[0].evidence[0]).toMatch(evidence);
  } finally {
    removeWorkDir(outcome);
  }
});
