import type { Violation } from '../logcheck/checkLogs.js';
import type { RunStories } from './analyzeRun.js';
import { RunContext } from './runContext.js';

export interface Requirement {
  title: string;
  met: boolean;
  /** Log lines that show it (a few). */
  evidence: string[];
  /** When not met: why not, computed from this run. */
  reason?: string;
  /** When not met: what to do; `back-quoted` text is a command. */
  action?: string;
}

const SWARMLAB = 'node dist/cli/swarmlab.js';
const RUN_DEMO =
  `run config/demo, a slow swarm that lasts about 15 s with p = 2 s and m = 4 s: ` +
  `\`${SWARMLAB} swarm --config-dir config/demo --make-file\` then \`${SWARMLAB} report --config-dir config/demo\``;
const GIVE_CONFIG = "give the run's Common.cfg and PeerInfo.cfg with `--config-dir DIR`";
const SEE_ABOVE = 'see the item above';

type Item = (ctx: RunContext) => Requirement;

/** The course's demo checklist: each item with the log lines that show it, or why they do not and what to do. */
export function checklist(run: RunStories): Requirement[] {
  const items: Item[] = [connections, interest, preferred, optimistic, chokes, pieces, completion, sentencesOnly];
  const ctx = new RunContext(run);
  return items.map((item) => item(ctx));
}

const shown = (title: string, evidence: string[]): Requirement => ({ title, met: true, evidence });
const notShown = (title: string, evidence: string[], [reason, action]: Explanation): Requirement => ({ title, met: false, evidence, reason, action });

function connections(ctx: RunContext): Requirement {
  const title = 'Each peer connects to every peer listed before it (and is connected from the later ones)';
  const evidence = ctx.lines(['makesConnection', 'connectedFrom']);
  const broken = ctx.broken('connections');
  if (ctx.has('makesConnection') && broken.length === 0) return shown(title, evidence);
  return notShown(title, evidence, tooFewLogs(ctx) ?? missingLogs(ctx) ?? whyNoConnections(broken));
}

function whyNoConnections(broken: Violation[]): Explanation {
  if (broken.length === 0) {
    return ['no log has a "makes a connection to Peer <id>" line', 'each peer must connect to every peer listed before it in PeerInfo.cfg and log "makes a connection to Peer <id>"'];
  }
  return [
    `connection lines are missing: ${RunContext.describe(broken)}`,
    'each peer must connect to every peer listed before it in PeerInfo.cfg and log it, and log each peer that connects to it; the log check below lists every missing line',
  ];
}

function interest(ctx: RunContext): Requirement {
  const title = "Bitfields exchanged, answered with 'interested' / 'not interested'";
  const evidence = ctx.lines(['receivedInterested', 'receivedNotInterested']);
  if (ctx.has('receivedInterested') && ctx.has('receivedNotInterested')) return shown(title, evidence);
  return notShown(title, evidence, tooFewLogs(ctx) ?? everyPeerSeeds(ctx) ?? whyNoInterest(ctx));
}

function whyNoInterest(ctx: RunContext): Explanation {
  if (!ctx.has('receivedInterested')) {
    return [`no log has a "received the 'interested' message" line`, "after a neighbour's bitfield or 'have' shows a piece it lacks, a peer must send 'interested', and the receiver log it"];
  }
  return [`no log has a "received the 'not interested' message" line`, "a peer must send 'not interested' to a neighbour that has no piece it lacks (a seeder to everyone, say), and the receiver log it"];
}

function preferred(ctx: RunContext): Requirement {
  const { k, unchokingIntervalMs: p } = ctx.facts;
  const title = `Preferred neighbours chosen${k !== undefined ? `, at most k = ${k}` : ''}`;
  const evidence = ctx.lines(['preferredNeighbors']);
  const tooMany = ctx.run.peers.flatMap((peer) =>
    peer.events.flatMap(({ event }) => (event.kind === 'preferredNeighbors' && k !== undefined && event.neighbours.length > k ? [{ peer, event }] : [])),
  );
  const overLimit = ctx.broken('at most k+1 unchoked');
  if (!ctx.has('preferredNeighbors')) {
    return notShown(
      title,
      evidence,
      nobodyInterested(ctx) ??
        notDueYet(ctx, p, 'the unchoking interval p', 'has the preferred neighbors', 'so no choice of preferred neighbours was due') ?? [
          `no log has a "has the preferred neighbors" line, though ${ranLongest(ctx)}, longer than p = ${p! / 1000} s`,
          'every p seconds a peer with interested neighbours must choose the k that sent it the most (at random once it has the file), unchoke them and log the choice',
        ],
    );
  }
  if (tooMany.length > 0) {
    const { peer, event } = tooMany[0];
    return notShown(title, evidence, [
      `peer ${peer.peerId} chose ${event.neighbours.length} preferred neighbours (${event.neighbours.join(', ')}), more than k = ${k}`,
      `choose at most k = ${k} preferred neighbours (NumberOfPreferredNeighbors in Common.cfg)`,
    ]);
  }
  if (overLimit.length > 0) {
    return notShown(title, evidence, [
      `more than k + 1 = ${k! + 1} neighbours were unchoked at once: ${RunContext.describe(overLimit)}`,
      'choke a neighbour when it leaves the preferred set: at most k preferred plus one optimistic neighbour may be unchoked at any moment',
    ]);
  }
  return shown(title, evidence);
}

function optimistic(ctx: RunContext): Requirement {
  const m = ctx.facts.optimisticUnchokingIntervalMs;
  const title = 'An optimistically unchoked neighbour chosen';
  const evidence = ctx.lines(['optimisticNeighbor']);
  if (ctx.has('optimisticNeighbor')) return shown(title, evidence);
  return notShown(
    title,
    evidence,
    notDueYet(ctx, m, 'the optimistic unchoking interval m', 'has the optimistically unchoked neighbor', 'so no optimistic unchoke was due') ?? whyNoOptimistic(ctx, m!),
  );
}

/** m elapsed: either nobody could be picked (never more than k interested at once) or the pick is missing. */
function whyNoOptimistic(ctx: RunContext, m: number): Explanation {
  const { k } = ctx.facts;
  const most = ctx.mostInterestedAtOnce;
  if (k !== undefined && most <= k) {
    return [
      `${ranLongest(ctx)}, longer than m = ${m / 1000} s, but no peer had more than ${most} neighbour${most === 1 ? '' : 's'} interested at once (k = ${k}), so none was choked and interested: there was nobody to unchoke optimistically`,
      `run more leechers than k + 1, or a smaller k; or ${RUN_DEMO}`,
    ];
  }
  return [
    `no log has a "has the optimistically unchoked neighbor" line, though ${ranLongest(ctx)}, longer than m = ${m / 1000} s, with up to ${most} neighbours interested at once`,
    "every m seconds a peer must pick at random one neighbour that is choked and interested, unchoke it and log 'has the optimistically unchoked neighbor <id>'",
  ];
}

function chokes(ctx: RunContext): Requirement {
  const p = ctx.facts.unchokingIntervalMs;
  const title = 'Choke and unchoke received';
  const evidence = ctx.lines(['unchokedBy', 'chokedBy']);
  if (ctx.has('unchokedBy') && ctx.has('chokedBy')) return shown(title, evidence);
  if (!ctx.has('unchokedBy')) return notShown(title, evidence, nobodyInterested(ctx) ?? whyNoUnchoke(ctx));
  return notShown(
    title,
    evidence,
    notDueYet(ctx, p, 'the unchoking interval p', 'is choked by', 'so no peer re-chose its preferred neighbours, which is when a choke usually comes') ?? [
      `no log has an "is choked by" line, though ${ranLongest(ctx)}, longer than p = ${p! / 1000} s`,
      "at each p-second choice a peer must send 'choke' to a neighbour it no longer prefers (unless it is the optimistic one), and the receiver log 'is choked by <id>'",
    ],
  );
}

function whyNoUnchoke(ctx: RunContext): Explanation {
  if (ctx.has('preferredNeighbors') || ctx.has('optimisticNeighbor')) {
    return ['peers chose neighbours to unchoke, but no log has an "is unchoked by" line', "a peer must send 'unchoke' to each neighbour it chooses, and the receiver log 'is unchoked by <id>'"];
  }
  return ['no peer chose a neighbour to unchoke (no "preferred neighbors" or "optimistically unchoked neighbor" line)', SEE_ABOVE];
}

function pieces(ctx: RunContext): Requirement {
  const title = "'have' received; pieces requested and downloaded, counts rising one by one";
  const evidence = ctx.lines(['receivedHave', 'downloadedPiece']);
  const broken = ctx.broken('count rises by one');
  if (ctx.has('receivedHave') && ctx.has('downloadedPiece') && broken.length === 0) return shown(title, evidence);
  return notShown(title, evidence, everyPeerSeeds(ctx) ?? whyNoPieces(ctx, broken));
}

function whyNoPieces(ctx: RunContext, broken: Violation[]): Explanation {
  if (!ctx.has('downloadedPiece') && !ctx.has('unchokedBy')) return ['no peer was unchoked, so none could request a piece', SEE_ABOVE];
  if (!ctx.has('downloadedPiece')) {
    return ['peers were unchoked, but no log has a "has downloaded the piece" line', 'an unchoked peer must request a piece it lacks that the neighbour has, and log each piece it receives with its new count'];
  }
  if (!ctx.has('receivedHave')) {
    return [`pieces were downloaded, but no log has a "received the 'have' message" line`, "after each piece, a peer must send 'have' to every neighbour, and the receiver log it"];
  }
  return [`the counts do not rise one by one: ${RunContext.describe(broken)}`, 'after each piece, log the number of pieces now held: one more than on the line before'];
}

function completion(ctx: RunContext): Requirement {
  const title = 'Every leecher downloaded the complete file, once';
  const evidence = ctx.lines(['completeFile'], 10);
  const { leechers } = ctx;
  const unfinished = leechers.filter((id) => ctx.story(id) && ctx.story(id)!.completedMs === undefined);
  const wrong = ctx.broken('complete file once', 'complete file last');
  if (leechers.length > 0 && unfinished.length === 0 && ctx.run.missingLogs.length === 0 && wrong.length === 0) return shown(title, evidence);
  return notShown(title, evidence, everyPeerSeeds(ctx) ?? noLeechers(ctx) ?? missingLogs(ctx) ?? whyIncomplete(ctx, unfinished, wrong));
}

function noLeechers(ctx: RunContext): Explanation | undefined {
  if (ctx.leechers.length > 0) return undefined;
  return ['no log has a download and PeerInfo.cfg is not known, so the report cannot tell the leechers', GIVE_CONFIG];
}

function whyIncomplete(ctx: RunContext, unfinished: number[], wrong: Violation[]): Explanation {
  if (unfinished.length === 0) return [`"has downloaded the complete file" is wrong: ${RunContext.describe(wrong)}`, 'log "has downloaded the complete file" exactly once, after the last piece'];
  return [
    unfinished.map((id) => whereItStopped(ctx, id)).join('; '),
    `see why in the launcher's output (a --timeout, a crash) and in log_peer_${unfinished[0]}.debug.log; a peer logs "has downloaded the complete file" once it holds every piece`,
  ];
}

function sentencesOnly(ctx: RunContext): Requirement {
  const title = "Every log is made of the spec's sentences only";
  const broken = ctx.broken('spec sentence', 'own peer');
  if (broken.length === 0) return shown(title, []);
  return notShown(title, [], [
    `some lines are not the spec's sentences about the log's own peer: ${RunContext.describe(broken)}`,
    "write only the spec's sentences to log_peer_<id>.log, each as '<time>: <sentence>' about that peer; write anything else to another file (ours: log_peer_<id>.debug.log)",
  ]);
}

type Explanation = [why: string, todo: string];

function tooFewLogs(ctx: RunContext): Explanation | undefined {
  const count = ctx.run.peers.length;
  if (count >= 2) return undefined;
  return [`only ${count} protocol log in ${ctx.run.logDir}: a connection needs two peers`, "check that `--logs` names the folder where the swarm's peers wrote their log_peer_<id>.log (its --log-dir)"];
}

function missingLogs(ctx: RunContext): Explanation | undefined {
  const { missingLogs: ids, logDir } = ctx.run;
  if (ids.length === 0) return undefined;
  return [
    `no protocol log in ${logDir} for peer${ids.length > 1 ? 's' : ''} ${ids.join(', ')} of PeerInfo.cfg`,
    "check that those peers ran, and that `--logs` names the swarm's --log-dir and `--config-dir` the run's config",
  ];
}

function everyPeerSeeds(ctx: RunContext): Explanation | undefined {
  if (!ctx.everyPeerSeeds) return undefined;
  return ['every peer of PeerInfo.cfg starts with the file (hasFile 1): nobody needs a piece', 'set hasFile to 0 in PeerInfo.cfg for the peers that should download'];
}

function nobodyInterested(ctx: RunContext): Explanation | undefined {
  if (ctx.has('receivedInterested')) return undefined;
  return [`no peer received 'interested', so no peer had a neighbour to unchoke`, SEE_ABOVE];
}

/**
 * Why a line logged every p or m seconds is missing when that is no fault:
 * the run was too short for it; or the report cannot tell, the times or the
 * interval being unknown.
 */
function notDueYet(ctx: RunContext, intervalMs: number | undefined, interval: string, sentence: string, consequence: string): Explanation | undefined {
  return timesUnknown(ctx, intervalMs, interval, sentence) ?? shorterThan(ctx, intervalMs!, interval, consequence);
}

function timesUnknown(ctx: RunContext, intervalMs: number | undefined, interval: string, sentence: string): Explanation | undefined {
  if (Number.isNaN(ctx.durationMs)) {
    return [`no log has a "${sentence}" line, and the times in these logs could not be read, so the run's length is unknown`, 'write each line\'s time in a common format, e.g. `2026-11-21 10:15:04`'];
  }
  if (intervalMs !== undefined) return undefined;
  return [
    `no log has a "${sentence}" line in a run of ${ctx.seconds(ctx.durationMs)}; ${interval} is unknown (no Common.cfg given, no debug log of ours)`,
    `${GIVE_CONFIG} so the report can compare the run's length with it`,
  ];
}

/** The run, or every peer in it, was shorter than the interval after which the event is due. */
function shorterThan(ctx: RunContext, intervalMs: number, interval: string, consequence: string): Explanation | undefined {
  const longest = ctx.longestPeer;
  const limit = `${interval} = ${intervalMs / 1000} s`;
  if (ctx.durationMs < intervalMs) return [`the run lasted ${ctx.seconds(ctx.durationMs)}, shorter than ${limit}, ${consequence}`, RUN_DEMO];
  if (longest && longest.ms < intervalMs) {
    return [`the run lasted ${ctx.seconds(ctx.durationMs)}, but no peer ran as long as ${limit} (the longest, peer ${longest.peerId}, ${ctx.seconds(longest.ms)}), ${consequence}`, RUN_DEMO];
  }
  return undefined;
}

function ranLongest(ctx: RunContext): string {
  const longest = ctx.longestPeer!;
  return `peer ${longest.peerId} ran ${ctx.seconds(longest.ms)}`;
}

function whereItStopped(ctx: RunContext, peerId: number): string {
  const story = ctx.story(peerId)!;
  const held = story.progress.at(-1)?.count ?? 0;
  const total = ctx.facts.pieceCount !== undefined ? ` of ${ctx.facts.pieceCount}` : '';
  const end = story.events.at(-1);
  const when = end && !Number.isNaN(end.ms) ? `, ${ctx.seconds(end.ms - ctx.run.startMs)} into the run` : '';
  return `peer ${peerId} held ${held}${total} pieces when its log ended${when}, with no "has downloaded the complete file"`;
}
