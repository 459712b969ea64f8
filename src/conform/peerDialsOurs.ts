import type * as net from 'net';
import { freePorts } from '../net/freePorts.js';
import { listenAs } from './lateJoinerScenario.js';
import type { ScenarioName } from './ScenarioRun.js';
import { runScenario, script, type ScenarioOptions, type ScenarioOutcome, type Stage } from './scenarios.js';
import type { ListedPeer } from './workDir.js';

/**
 * The frame of a scenario where the peer, listed last, dials each of our peers (all listed before
 * it): each one's connection plays `play`, told which of ours it is.
 */
export async function peerDialsOurs(
  name: ScenarioName,
  options: ScenarioOptions,
  file: Buffer,
  ours: readonly { peerId: number; hasFile: boolean }[],
  peerId: number,
  play: (stage: Stage, socket: net.Socket, which: number) => Promise<number>,
): Promise<ScenarioOutcome> {
  const listening = ours.map(({ peerId }) => listenAs(peerId, true));
  await Promise.all(listening.map((l) => l.ready));
  const [peerPort] = await freePorts(1);
  const peers: ListedPeer[] = [...ours.map(({ peerId, hasFile }, i) => ({ peerId, port: listening[i].port(), hasFile })), { peerId, port: peerPort, hasFile: false }];
  try {
    return await runScenario(
      name,
      options,
      file,
      peers,
      peerId,
      async (stage) =>
        Promise.all(
          listening.map(async (listener, which) => {
            const socket = await stage.waitFor(() => listener.sockets[0]);
            return socket && script(() => play(stage, socket, which));
          }),
        ),
      () => ({ listeners: listening.map((l) => l.record) }),
    );
  } finally {
    for (const l of listening) l.close();
  }
}
