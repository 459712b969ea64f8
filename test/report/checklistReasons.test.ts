import { analyzeRun, type ReportFacts, type Requirement } from '../../src/report/analyzeRun.js';
import type { DebugLog } from '../../src/report/debugLogs.js';
import type { PeerLog } from '../../src/logcheck/checkLogs.js';
import { SHORT_RUN, SHORT_RUN_FACTS, debugLogs, protocolLogs, type Said } from './shortRun.js';

const DEMO_COMMANDS = /`node dist\/cli\/swarmlab\.js swarm --config-dir config\/demo --make-file` then `node dist\/cli\/swarmlab\.js report --config-dir config\/demo`/;

function item(requirements: Requirement[], start: string): Requirement {
  return requirements.find((r) => r.title.startsWith(start))!;
}

describe('the checklist of a short run (npm start: k=2, p=5 s, m=15 s, 2.4 s long)', () => {
  const run = analyzeRun(protocolLogs(SHORT_RUN), SHORT_RUN_FACTS, { debugLogs: debugLogs(SHORT_RUN) });

  test('every item but the optimistic unchoke is shown, and the logs are clean', () => {
    expect(run.violations).toEqual([]);
    expect(run.requirements.filter((r) => !r.met).map((r) => r.title)).toEqual(['An optimistically unchoked neighbour chosen']);
  });

  test('the missing optimistic unchoke says why, from the run, and what to run instead', () => {
    const optimistic = item(run.requirements, 'An optimistically');
    expect(optimistic.reason).toBe('the run lasted 2.40 s, shorter than the optimistic unchoking interval m = 15 s, so no optimistic unchoke was due');
    expect(optimistic.action).toMatch(DEMO_COMMANDS);
  });

  test('the intervals come from the debug logs when no Common.cfg is given', () => {
    expect(run.facts).toMatchObject({ unchokingIntervalMs: 5000, optimisticUnchokingIntervalMs: 15_000 });
  });
});

/** The short run with some lines dropped or added, as the cases below need. */
function variant(edit: (said: Said[]) => Said[]): PeerLog[] {
  return protocolLogs(edit([...SHORT_RUN]));
}
const without = (...fragments: string[]) => (said: Said[]) => said.filter((s) => !fragments.some((f) => s.sentence.includes(f)));
const withLine = (extra: Said) => (said: Said[]) => [...said, extra];
const QUICK_INTERVALS: ReportFacts = { ...SHORT_RUN_FACTS, unchokingIntervalMs: 1000, optimisticUnchokingIntervalMs: 1000 };

interface Case {
  item: string;
  logs: PeerLog[];
  facts?: ReportFacts;
  debug?: DebugLog[];
  reason: RegExp;
  action: RegExp;
}

/* Each ✘ a run can get, with the reason computed from that run and what to do. */
const CASES: Record<string, Case> = {
  'a connection line missing': {
    item: 'Each peer connects',
    logs: variant(without('1003 makes a connection to Peer 1002')),
    reason: /^connection lines are missing: one problem, the first: log_peer_1003\.log: no "makes a connection to Peer 1002"$/,
    action: /connect to every peer listed before it in PeerInfo\.cfg/,
  },
  "a peer of PeerInfo.cfg without a log": {
    item: 'Each peer connects',
    logs: variant(without('1003')).filter((l) => l.peerId !== 1003),
    reason: /^no protocol log in logs for peer 1003 of PeerInfo\.cfg$/,
    action: /check that those peers ran, and that `--logs` names the swarm's --log-dir/,
  },
  'a single log': {
    item: 'Each peer connects',
    logs: variant((said) => said.filter((s) => s.peer === 1001)),
    facts: {},
    reason: /^only 1 protocol log in logs: a connection needs two peers$/,
    action: /`--logs`/,
  },
  "no 'not interested'": {
    item: 'Bitfields exchanged',
    logs: variant(without("'not interested'")),
    reason: /^no log has a "received the 'not interested' message" line$/,
    action: /send 'not interested' to a neighbour that has no piece it lacks/,
  },
  'every peer a seeder': {
    item: 'Bitfields exchanged',
    logs: variant(without("'interested'")),
    facts: { ...SHORT_RUN_FACTS, peers: SHORT_RUN_FACTS.peers!.map((p) => ({ ...p, hasFile: true })) },
    reason: /^every peer of PeerInfo\.cfg starts with the file/,
    action: /set hasFile to 0/,
  },
  'no preferred neighbours in a run shorter than p': {
    item: 'Preferred neighbours',
    logs: variant(without('preferred')),
    reason: /^the run lasted 2\.40 s, shorter than the unchoking interval p = 5 s, so no choice of preferred neighbours was due$/,
    action: DEMO_COMMANDS,
  },
  'no preferred neighbours though p elapsed': {
    item: 'Preferred neighbours',
    logs: variant(without('preferred')),
    facts: QUICK_INTERVALS,
    reason: /^no log has a "has the preferred neighbors" line, though peer 1003 ran 2\.05 s, longer than p = 1 s$/,
    action: /every p seconds a peer with interested neighbours must choose the k/,
  },
  'no preferred neighbours, p unknown': {
    item: 'Preferred neighbours',
    logs: variant(without('preferred')),
    debug: [],
    reason: /^no log has a "has the preferred neighbors" line in a run of about 2 s; the unchoking interval p is unknown/,
    action: /--config-dir DIR/,
  },
  'more than k preferred': {
    item: 'Preferred neighbours',
    logs: variant(withLine({ peer: 1001, atMs: 500, sentence: 'Peer 1001 has the preferred neighbors 1002,1003.' })),
    facts: { ...SHORT_RUN_FACTS, k: 1 },
    reason: /^peer 1001 chose 2 preferred neighbours \(1002, 1003\), more than k = 1$/,
    action: /at most k = 1 preferred neighbours/,
  },
  'no optimistic unchoke, nobody to pick': {
    item: 'An optimistically',
    logs: variant((said) => said),
    facts: QUICK_INTERVALS,
    reason: /^peer 1003 ran 2\.05 s, longer than m = 1 s, but no peer had more than 2 neighbours interested at once \(k = 2\), so none was choked and interested/,
    action: /run more leechers than k \+ 1, or a smaller k/,
  },
  'no optimistic unchoke though one was due': {
    item: 'An optimistically',
    logs: variant((said) => said),
    facts: { ...QUICK_INTERVALS, k: 1 },
    reason: /^no log has a "has the optimistically unchoked neighbor" line, though peer 1003 ran 2\.05 s, longer than m = 1 s, with up to 2 neighbours interested at once$/,
    action: /every m seconds a peer must pick at random one neighbour that is choked and interested/,
  },
  'times that cannot be read': {
    item: 'An optimistically',
    logs: variant((said) => said).map((log) => ({ ...log, lines: log.lines.map((l) => l.replace(/^[^:]+:\d\d:\d\d/, 'tick 10')) })),
    debug: [],
    reason: /the times in these logs could not be read/,
    action: /2026-11-21 10:15:04/,
  },
  'no choke in a run shorter than p': {
    item: 'Choke and unchoke',
    logs: variant(without('is choked by')),
    reason: /^the run lasted 2\.40 s, shorter than the unchoking interval p = 5 s, so no peer re-chose its preferred neighbours/,
    action: DEMO_COMMANDS,
  },
  'no choke though p elapsed': {
    item: 'Choke and unchoke',
    logs: variant(without('is choked by')),
    facts: QUICK_INTERVALS,
    reason: /^no log has an "is choked by" line, though peer 1003 ran 2\.05 s, longer than p = 1 s$/,
    action: /send 'choke' to a neighbour it no longer prefers/,
  },
  'no unchoke though neighbours were chosen': {
    item: 'Choke and unchoke',
    logs: variant(without('unchoked by')),
    reason: /^peers chose neighbours to unchoke, but no log has an "is unchoked by" line$/,
    action: /send 'unchoke' to each neighbour it chooses/,
  },
  "no 'have'": {
    item: "'have' received",
    logs: variant(without("'have'")),
    reason: /^pieces were downloaded, but no log has a "received the 'have' message" line$/,
    action: /send 'have' to every neighbour/,
  },
  'a count that skips': {
    item: "'have' received",
    logs: variant((said) => said.map((s) => (s.peer === 1003 ? { ...s, sentence: s.sentence.replace('it has is 2.', 'it has is 3.') } : s))),
    reason: /^the counts do not rise one by one: one problem, the first: log_peer_1003\.log:\d+: count 3 after 1$/,
    action: /one more than on the line before/,
  },
  'no download, nobody unchoked': {
    item: "'have' received",
    logs: variant(without('unchoked by', 'downloaded', "'have'")),
    reason: /^no peer was unchoked, so none could request a piece$/,
    action: /see the item above/,
  },
  'a leecher that did not finish': {
    item: 'Every leecher',
    logs: variant((said) => said.filter((s) => !(s.peer === 1003 && s.atMs >= 2400))),
    reason: /^peer 1003 held 1 of 2 pieces when its log ended, 1\.20 s into the run, with no "has downloaded the complete file"$/,
    action: /launcher's output .* log_peer_1003\.debug\.log/,
  },
  'the complete file twice': {
    item: 'Every leecher',
    logs: variant(withLine({ peer: 1003, atMs: 2400, sentence: 'Peer 1003 has downloaded the complete file.' })),
    reason: /^"has downloaded the complete file" is wrong: one problem, the first: log_peer_1003\.log:\d+: "has downloaded the complete file" again$/,
    action: /exactly once, after the last piece/,
  },
  'leechers unknown': {
    item: 'Every leecher',
    logs: variant(without('downloaded')),
    facts: {},
    reason: /PeerInfo\.cfg is not known, so the report cannot tell the leechers/,
    action: /--config-dir DIR/,
  },
  'a line that is not a spec sentence': {
    item: 'Every log is made',
    logs: variant((said) => said).map((log) => (log.peerId === 1002 ? { ...log, lines: [...log.lines, '10:00:03: starting the upload loop'] } : log)),
    reason: /^some lines are not the spec's sentences about the log's own peer: one problem, the first: log_peer_1002\.log:\d+: not one of the spec's sentences: 10:00:03: starting the upload loop$/,
    action: /write anything else to another file/,
  },
};

describe('each ✘ says why, from the run, and what to do', () => {
  test.each(Object.entries(CASES))('%s', (_name, c) => {
    const { requirements } = analyzeRun(c.logs, c.facts ?? SHORT_RUN_FACTS, { debugLogs: c.debug ?? debugLogs(SHORT_RUN) });
    const requirement = item(requirements, c.item);
    expect(requirement.met).toBe(false);
    expect(requirement.reason).toMatch(c.reason);
    expect(requirement.action).toMatch(c.action);
    // No ✘ anywhere without its reason and action.
    for (const r of requirements.filter((r) => !r.met)) expect([r.title, r.reason!.length > 0, r.action!.length > 0]).toEqual([r.title, true, true]);
  });
});
