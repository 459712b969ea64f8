import { seededRandom, shuffled } from '../../src/common/Random.js';
import type { PeerInfo } from '../../src/config/PeerInfo.js';
import { describeReason, type DisconnectReason } from '../../src/net/ProtocolHandlers.js';
import { Bitfield } from '../../src/core/Bitfield.js';
import type { PieceLayout } from '../../src/core/PieceLayout.js';
import { MessageType } from '../../src/wire/index.js';
import { MemoryPieceStore, allPieces } from './MemoryPieceStore.js';
import { ScriptedPeer, ScriptedServer } from './ScriptedPeer.js';
import { pieceOf } from './fixtures.js';
import { Cleanup, TestNode, peerOn } from './nodeHarness.js';
import { eventually } from './polling.js';
import { freePort } from './sockets.js';
import { DEFAULT_WAIT_MS } from './waiting.js';

/** Who sits on each line of PeerInfo.cfg: the real node, the honest scripted neighbour, the hostile one. */
export type Role = 'node' | 'honest' | 'hostile';

export interface HostileScenarioOptions {
  layout: PieceLayout;
  file: Buffer;
  /**
   * 'leecher': the node starts empty and must download everything from the
   * honest neighbour (a scripted seeder). 'seeder': the node holds the file and
   * must keep serving the honest neighbour (a scripted leecher).
   */
  node: 'leecher' | 'seeder';
  /**
   * PeerInfo.cfg order; a peer's ID is its line number (1-based). Scripted
   * peers listed before the node listen and the node dials them; those listed
   * after it dial the node. Default: leecher ['honest', 'node', 'hostile'],
   * seeder ['node', 'honest', 'hostile'].
   */
  order?: Role[];
  handshakeTimeoutMs?: number;
  /** Where every socket, server and the node are registered for closing. */
  cleanup: Cleanup;
  /** Seeds the node's random and the honest leecher's request order. */
  seed?: number;
}

/** The partial reason a test expects (kind, and code for protocol violations). */
export type ExpectedReason = Partial<DisconnectReason> & { kind: DisconnectReason['kind'] };

/**
 * A real PeerNode with two scripted neighbours: an honest one, set up and
 * mid-conversation before the test starts (handshakes, bitfield and interest
 * exchanged), and a hostile one the test drives byte by byte. The helpers
 * check the three things every hostile case must show: the offending
 * connection is closed for the right reason, the protocol log holds only
 * spec sentences, and the node carries on with the honest neighbour to the end.
 */
export class HostileScenario {
  readonly nodeId: number;
  readonly honestId: number;
  readonly hostileId: number;
  /** Set when the hostile peer is listed before the node: the node dials it here. */
  readonly hostileServer: ScriptedServer | undefined;
  private readonly hostileSeen = new Set<ScriptedPeer>();

  private constructor(
    readonly options: HostileScenarioOptions,
    readonly node: TestNode,
    readonly store: MemoryPieceStore,
    readonly honest: ScriptedPeer,
    readonly peers: readonly PeerInfo[],
    ids: { node: number; honest: number; hostile: number },
    hostileServer: ScriptedServer | undefined,
  ) {
    this.nodeId = ids.node;
    this.honestId = ids.honest;
    this.hostileId = ids.hostile;
    this.hostileServer = hostileServer;
  }

  static async start(options: HostileScenarioOptions): Promise<HostileScenario> {
    const { layout, cleanup } = options;
    const order = options.order ?? (options.node === 'leecher' ? ['honest', 'node', 'hostile'] : ['node', 'honest', 'hostile']);
    const position = (role: Role) => order.indexOf(role);
    if (order.length !== 3 || order.some((role) => position(role) < 0)) throw new Error(`bad order ${order.join(',')}`);
    const nodeAt = position('node');
    const servers = new Map<Role, ScriptedServer>();
    const peers: PeerInfo[] = [];
    for (const [i, role] of order.entries()) {
      let port: number;
      if (i < nodeAt) {
        const server = await ScriptedServer.listen({ pieceSize: layout.pieceSize, label: `${role} peer ${i + 1}` });
        cleanup.add(() => server.close());
        servers.set(role, server);
        port = server.port;
      } else {
        port = await freePort();
      }
      const hasFile = role === 'node' ? options.node === 'seeder' : role === 'honest' ? options.node === 'leecher' : true;
      peers.push(peerOn(i + 1, port, hasFile, i + 1));
    }
    const ids = { node: nodeAt + 1, honest: position('honest') + 1, hostile: position('hostile') + 1 };
    const store = options.node === 'seeder' ? MemoryPieceStore.seeder(layout, options.file) : MemoryPieceStore.empty(layout);
    const node = await TestNode.start({
      self: peers[nodeAt],
      peers,
      layout,
      pieces: store,
      seed: options.seed,
      handshakeTimeoutMs: options.handshakeTimeoutMs,
    });
    cleanup.add(() => node.shutdown());

    const honestServer = servers.get('honest');
    const honest = honestServer
      ? await honestServer.connection()
      : await ScriptedPeer.connect(peers[nodeAt].port, { pieceSize: layout.pieceSize, label: `honest peer ${ids.honest}` });
    cleanup.add(() => honest.destroy());
    honest.sendHandshake(ids.honest);
    if (options.node === 'leecher') {
      honest.sendBitfield(Bitfield.full(layout.pieceCount));
      await honest.nextOfType(MessageType.Interested);
    } else {
      await honest.nextIs(MessageType.Bitfield);
      honest.send({ type: MessageType.Interested });
      await honest.nextOfType(MessageType.Unchoke);
    }
    return new HostileScenario(options, node, store, honest, peers, ids, servers.get('hostile'));
  }

  get layout(): PieceLayout {
    return this.options.layout;
  }

  get pieceCount(): number {
    return this.options.layout.pieceCount;
  }

  get nodePort(): number {
    return this.peers[this.nodeId - 1].port;
  }

  piece(index: number): Buffer {
    return pieceOf(this.options.file, this.options.layout, index);
  }

  // ---- the hostile side ------------------------------------------------------

  /** A new raw connection to the node, nothing sent yet (for hostile peers listed after the node). */
  async dialNode(label = `hostile peer ${this.hostileId}`): Promise<ScriptedPeer> {
    const peer = await ScriptedPeer.connect(this.nodePort, { pieceSize: this.layout.pieceSize, label });
    this.options.cleanup.add(() => peer.destroy());
    return peer;
  }

  /** The n-th connection the node made to the hostile peer's server (hostile listed before the node). */
  async dialledByNode(n = 1): Promise<ScriptedPeer> {
    if (!this.hostileServer) throw new Error('the hostile peer is listed after the node: use dialNode()');
    const peer = await this.hostileServer.connection(n);
    this.options.cleanup.add(() => peer.destroy());
    return peer;
  }

  /**
   * A hostile connection past a valid handshake with the hostile peer's own ID
   * (and the bitfield, if given): accepted by the node, ready for bad bytes.
   */
  async openHostile(options: { bitfield?: Bitfield; label?: string } = {}): Promise<ScriptedPeer> {
    const before = this.connectedCount(this.hostileId);
    const peer = this.hostileServer ? await this.dialledByNode(before + 1) : await this.dialNode(options.label);
    peer.sendHandshake(this.hostileId);
    if (options.bitfield) peer.sendBitfield(options.bitfield);
    expect(await peer.handshake()).toBe(this.nodeId);
    await eventually(() => this.connectedCount(this.hostileId) > before, `the node to accept hostile peer ${this.hostileId}`);
    return peer;
  }

  private connectedCount(peerId: number): number {
    return this.node.eventsOf('connected').filter((e) => e.peerId === peerId).length;
  }

  // ---- what the node did to the hostile connection ---------------------------

  /**
   * The node closed a connection that never passed its handshake. Such a
   * connection has no session, so no 'disconnected' event: the reason is in
   * the warn line, which is checked to name it (`reasonText`, as describeReason
   * words it: e.g. 'protocol violation (bad-handshake-header)').
   */
  async expectRefusedBeforeHandshake(peer: ScriptedPeer, reasonText: string): Promise<string> {
    await peer.waitForClose();
    const prefix = 'connection closed before its handshake: ';
    const line = await eventually(
      () => this.node.diag.at('warn').find((w) => w.startsWith(prefix) && w.includes(reasonText)),
      () => `a warning "${prefix}${reasonText}..."; warnings: ${JSON.stringify(this.node.diag.at('warn'))}`,
    );
    expect(peer.messages).toEqual([]); // no bitfield, nothing: refused at the handshake
    return line;
  }

  /**
   * The node closed the hostile connection after its handshake, for `expected`:
   * the 'disconnected' event carries the reason, and the warn line says it.
   */
  async expectDisconnected(peer: ScriptedPeer, expected: ExpectedReason): Promise<DisconnectReason> {
    await peer.waitForClose();
    this.hostileSeen.add(peer);
    const nth = this.hostileSeen.size;
    const event = await eventually(
      () => this.node.eventsOf('disconnected').filter((e) => e.peerId === this.hostileId)[nth - 1],
      `disconnect #${nth} of hostile peer ${this.hostileId}`,
    );
    expect(event.reason).toMatchObject(expected);
    const line = `connection with ${this.hostileId} ended: ${describeReason(event.reason)}`;
    expect(this.node.diag.at('warn')).toContain(line);
    return event.reason;
  }

  // ---- the node carries on --------------------------------------------------

  /** The node is up and the honest connection untouched. */
  expectNodeUp(): void {
    expect(this.node.settled).toBeUndefined();
    expect(this.honest.closed || this.honest.ended).toBe(false);
    expect(this.node.eventsOf('disconnected').filter((e) => e.peerId === this.honestId)).toEqual([]);
  }

  /**
   * Every protocol-log line is a spec sentence (events() throws otherwise),
   * none names a piece index out of range, and none says the node connected
   * with a peer ID it should have refused.
   */
  expectSpecLogOnly(refusedIds: number[] = []): void {
    const events = this.node.log.events();
    for (const event of events) {
      if ('index' in event) expect(event.index).toBeLessThan(this.pieceCount);
      if ((event.kind === 'connectedFrom' || event.kind === 'makesConnection') && refusedIds.includes(event.other)) {
        throw new Error(`the node logged a connection with refused peer ${event.other}: ${JSON.stringify(event)}`);
      }
    }
  }

  /**
   * Ends the scenario: with a leecher node, the honest seeder unchokes it and
   * serves every request until the node holds the whole file; with a seeder
   * node, the honest leecher requests every piece (seeded order) and checks it.
   */
  async honestFinishes(options: { timeoutMs?: number; expectedErrors?: RegExp[] } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 15_000;
    if (this.options.node === 'leecher') await this.honestSeederServesAll(timeoutMs);
    else await this.honestLeecherDownloadsAll(timeoutMs);
    this.expectSpecLogOnly();
    const expectedErrors = options.expectedErrors ?? [];
    expect(this.node.diag.at('error').filter((e) => !expectedErrors.some((pattern) => pattern.test(e)))).toEqual([]);
  }

  private async honestSeederServesAll(timeoutMs: number): Promise<void> {
    const { honest, node, store } = this;
    honest.send({ type: MessageType.Unchoke });
    let served = 0;
    const complete = () => node.eventsOf('downloadComplete').length > 0;
    const deadline = Date.now() + timeoutMs;
    while (!complete()) {
      await eventually(
        () => honest.received(MessageType.Request).length > served || complete() || honest.closed,
        () => `a request from the node or its complete file (${store.bitfield.count}/${this.pieceCount}); honest saw: ${honest.transcript()}`,
        Math.max(1, deadline - Date.now()),
      );
      if (honest.closed && !complete()) throw new Error(`the honest connection closed before the node had the file: ${honest.transcript()}`);
      const requests = honest.received(MessageType.Request);
      for (; served < requests.length; served++) honest.sendPiece(requests[served].index, this.piece(requests[served].index));
    }
    expect(store.contents().equals(this.options.file)).toBe(true);
    expect(node.log.count('has downloaded the complete file')).toBe(1);
    expect(node.eventsOf('pieceDownloaded').every((e) => e.from === this.honestId)).toBe(true);
    // Still up, or finished because it knows everyone is complete: never failed.
    if (node.settled) expect(node.settled).toEqual({ kind: 'complete' });
  }

  private async honestLeecherDownloadsAll(timeoutMs: number): Promise<void> {
    const { honest } = this;
    const order = shuffled(allPieces(this.pieceCount), seededRandom(this.options.seed ?? 7));
    const deadline = Date.now() + timeoutMs;
    for (const index of order) {
      honest.sendRequest(index);
      const answer = await honest.nextOfType(MessageType.Piece, Math.max(1, Math.min(DEFAULT_WAIT_MS, deadline - Date.now())));
      if (answer.index !== index || !answer.data.equals(this.piece(index))) {
        throw new Error(`asked for piece ${index}, got piece ${answer.index} (${answer.data.length} bytes, ${answer.data.equals(this.piece(answer.index)) ? 'right' : 'WRONG'} bytes)`);
      }
    }
    expect(this.node.settled).toBeUndefined();
    expect(honest.closed || honest.ended).toBe(false);
  }
}
