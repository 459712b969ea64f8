import { applyLimitChanges, type PeerCommand } from './PeerCommand.js';
import type { PeerStatus } from '../node/PeerStatus.js';
import type { RateLimits } from '../node/RateLimits.js';

/** What a control channel (IPC, HTTP) can do to a running peer. */
export interface PeerController {
  status(): PeerStatus;
  /** Resolves when the command took effect; rejects with a readable reason. */
  execute(command: PeerCommand): Promise<void>;
}

/** What the control interface acts on: the course's PeerNode, or a BitTorrent peer. */
export interface ControllableNode {
  status(): PeerStatus;
  pause(): Promise<void>;
  resume(): Promise<void>;
  readonly rateLimits: RateLimits;
}

export interface ControllerHooks {
  /** Ends the process the way SIGTERM does, which only the process's runner knows how to do. */
  stop(): void;
  /** After set-limits, for the diagnostic log. */
  limitsChanged(): void;
}

export function controllerFor(node: ControllableNode, hooks: ControllerHooks): PeerController {
  return {
    status: () => node.status(),
    async execute(command) {
      switch (command.kind) {
        case 'pause':
          return node.pause();
        case 'resume':
          return node.resume();
        case 'stop':
          return hooks.stop();
        case 'set-limits':
          node.rateLimits.update(applyLimitChanges(node.rateLimits.current, command.limits));
          return hooks.limitsChanged();
      }
    },
  };
}
