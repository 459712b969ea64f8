import type { PeerLifecycle, SwarmControl } from '../launcher/SwarmControl.js';
import { RequestError, type CommandRequest } from './messages.js';

const KILLABLE: readonly PeerLifecycle[] = ['starting', 'running'];
const RESTARTABLE: readonly PeerLifecycle[] = ['exited', 'killed'];

/**
 * Carries out a page's button press on the swarm. Rejects with a RequestError
 * (the page shows its message) when the peer is in no state for it or the
 * swarm refuses; never throws synchronously.
 */
export async function carryOut(swarm: SwarmControl, request: CommandRequest): Promise<void> {
  const { peerId, id } = request;
  const lifecycle = swarm.lifecycleOf(peerId);
  try {
    switch (request.action) {
      case 'pause':
      case 'resume':
        return await swarm.command(peerId, { kind: request.action });
      case 'kill':
        if (!KILLABLE.includes(lifecycle)) throw new RequestError(`peer ${peerId} is ${lifecycle}: nothing to kill`, id);
        return swarm.kill(peerId);
      case 'restart':
        if (!RESTARTABLE.includes(lifecycle)) throw new RequestError(`peer ${peerId} is ${lifecycle}: only a peer that exited or was killed can be started again`, id);
        return swarm.restart(peerId);
      case 'set-limits':
        // The page edits the process-wide rates only: an empty box is unlimited (null); the per-neighbour limits stay as they are.
        return await swarm.command(peerId, {
          kind: 'set-limits',
          limits: { uploadBytesPerSecond: request.uploadBytesPerSecond ?? null, downloadBytesPerSecond: request.downloadBytesPerSecond ?? null },
        });
    }
  } catch (error) {
    if (error instanceof RequestError) throw error;
    // The swarm's own reason ("peer 1003 is not running"); the page says which button it answers.
    throw new RequestError(error instanceof Error ? error.message : String(error), id);
  }
}
