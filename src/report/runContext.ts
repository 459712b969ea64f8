import * as path from 'path';
import type { SpecEvent } from '../log/specSentences.js';
import type { Violation } from '../logcheck/checkLogs.js';
import type { PeerStory, RunStories } from './analyzeRun.js';
import { formatSeconds } from './timeResolution.js';

/** Questions the checklist asks of a run, so each item's reason is computed, not guessed. */
export class RunContext {
  constructor(readonly run: RunStories) {}

  get facts() {
    return this.run.facts;
  }

  has(kind: SpecEvent['kind']): boolean {
    return this.run.peers.some((p) => p.events.some((e) => e.event.kind === kind));
  }

  /** A few log lines of these kinds, each named by its file. */
  lines(kinds: SpecEvent['kind'][], limit = 3): string[] {
    return this.run.peers
      .flatMap((p) => p.events.filter((e) => kinds.includes(e.event.kind)).map((e) => `${path.basename(p.file)}: ${e.text}`))
      .slice(0, limit);
  }

  broken(...rules: string[]): Violation[] {
    return this.run.violations.filter((v) => rules.includes(v.rule));
  }

  /** "3 lines ..., the first: log_peer_2.log:7: count 3 after 1". */
  static describe(violations: readonly Violation[]): string {
    const [first] = violations;
    const where = `${path.basename(first.file)}${first.line ? `:${first.line}` : ''}`;
    return `${violations.length === 1 ? 'one problem' : `${violations.length} problems`}, the first: ${where}: ${first.detail}`;
  }

  /** "2.4 s", or "about 2 s" when times are to the second. */
  seconds(ms: number): string {
    const { resolutionMs } = this.run;
    return `${resolutionMs >= 1000 ? 'about ' : ''}${formatSeconds(ms, resolutionMs)} s`;
  }

  get durationMs(): number {
    return this.run.endMs - this.run.startMs;
  }

  /** The peer that ran longest, from its start (or first line) to its last line. */
  get longestPeer(): { peerId: number; ms: number } | undefined {
    const spans = this.run.peers.flatMap((p) => {
      const times = p.events.map((e) => e.ms).filter((ms) => !Number.isNaN(ms));
      return times.length > 0 ? [{ peerId: p.peerId, ms: times.at(-1)! - (p.startedMs ?? times[0]) }] : [];
    });
    return spans.reduce<{ peerId: number; ms: number } | undefined>((best, s) => (best && best.ms >= s.ms ? best : s), undefined);
  }

  /** The most neighbours of one peer interested in it at once, from its 'interested' and 'not interested' lines. */
  get mostInterestedAtOnce(): number {
    return this.run.peers.reduce((most, p) => Math.max(most, mostInterested(p)), 0);
  }

  /** Peers that should download: PeerInfo.cfg's without the file, else those that logged a download. */
  get leechers(): number[] {
    const { peers } = this.facts;
    return peers ? peers.filter((p) => !p.hasFile).map((p) => p.peerId) : this.run.peers.filter((p) => p.progress.length > 0).map((p) => p.peerId);
  }

  get everyPeerSeeds(): boolean {
    return this.facts.peers !== undefined && this.facts.peers.every((p) => p.hasFile);
  }

  story(peerId: number): PeerStory | undefined {
    return this.run.peers.find((p) => p.peerId === peerId);
  }
}

function mostInterested(peer: PeerStory): number {
  const interested = new Set<number>();
  let most = 0;
  for (const { event } of peer.events) {
    if (event.kind === 'receivedInterested') interested.add(event.other);
    if (event.kind === 'receivedNotInterested') interested.delete(event.other);
    most = Math.max(most, interested.size);
  }
  return most;
}
