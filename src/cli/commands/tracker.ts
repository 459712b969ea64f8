import * as net from 'net';
import type { CommandModule } from 'yargs';
import { DEFAULT_TRACKER_PORT } from '../../config/CommonConfig.js';
import type { RunningTracker, TrackerAnnounce, TrackerServerFailure } from '../../tracker/TrackerServer.js';
import { ExitCode } from '../exitCodes.js';

interface TrackerArgs {
  port: number;
  bind: string;
}

export type StopSignal = 'SIGINT' | 'SIGTERM';

export interface TrackerIo {
  out(line: string): void;
  err(line: string): void;
  /** Resolves with the signal that asks the tracker to stop. */
  stopped: Promise<StopSignal>;
}

export const trackerCommand: CommandModule<object, TrackerArgs> = {
  command: 'tracker',
  describe: 'run a BitTorrent tracker (HTTP and UDP on one port) for experiments, until Ctrl-C',
  builder: (yargs) =>
    yargs
      // Read as text, so a bad value is quoted as written rather than as NaN.
      .option('port', { type: 'string', default: String(DEFAULT_TRACKER_PORT), coerce: parsePort, describe: 'the port for both HTTP and UDP (0: any free port)' })
      .option('bind', {
        type: 'string',
        default: '127.0.0.1',
        describe: 'the IP address to listen on: 127.0.0.1 keeps the tracker to this machine; 0.0.0.0 opens it to the network',
      })
      .check((args) => {
        if (net.isIP(args.bind) === 0) throw new Error(`--bind takes an IP address of this machine, such as 127.0.0.1, 0.0.0.0 or ::1, got '${args.bind}'`);
        return true;
      })
      .epilog(
        'Put the printed URL in a torrent (swarmlab make-torrent --announce URL); every announce is printed as it comes.\n' +
          'Exit codes: 0 stopped by SIGTERM, 130 stopped by Ctrl-C (SIGINT), 2 usage, 5 the port is taken or the address is not this machine\'s.',
      ),
  handler: async (args) => {
    process.exitCode = await runTracker({ port: args.port, bind: args.bind }, { out: (line) => console.log(line), err: (line) => console.error(line), stopped: untilStopSignal() });
  },
};

function parsePort(text: string): number {
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(port <= 0xffff)) throw new Error(`--port takes a whole number from 0 to 65535, got '${text}'`);
  return port;
}

/** Runs the tracker until `io.stopped`; returns the exit code. */
export async function runTracker(options: TrackerArgs, io: TrackerIo): Promise<number> {
  // Loaded here, not with the command line: bittorrent-tracker's server costs some 25 MiB,
  // which `download` and `seed` in the same program must not pay (their memory target is 64 MiB).
  const { startTrackerServer, TrackerServerError } = await import('../../tracker/TrackerServer.js');
  let tracker: RunningTracker;
  try {
    tracker = await startTrackerServer(options);
  } catch (error) {
    if (!(error instanceof TrackerServerError)) throw error;
    io.err(`tracker: ${error.message}`);
    return exitCodeFor(error.code);
  }
  for (const line of describeListening(tracker, options.bind)) io.out(line);
  tracker.onAnnounce((announce) => io.out(describeAnnounce(announce, tracker)));
  tracker.onWarning((message) => io.err(`tracker: refused a request: ${message}`));
  const signal = await io.stopped;
  await tracker.close();
  // Ctrl-C is an interruption (the shell's 130); SIGTERM is how a launcher or service manager ends a server normally.
  return signal === 'SIGINT' ? ExitCode.Interrupted : ExitCode.Ok;
}

function exitCodeFor(code: TrackerServerFailure): number {
  if (code === 'bad-address') return ExitCode.Usage;
  if (code === 'other') return ExitCode.Internal;
  return ExitCode.PortInUse;
}

function describeListening(tracker: RunningTracker, bind: string): string[] {
  const everywhere = bind === '0.0.0.0' || bind === '::';
  return [
    `tracker: listening on ${everywhere ? `every address of this machine (${bind})` : bind}, port ${tracker.port}, HTTP and UDP`,
    `  ${tracker.httpUrl}`,
    `  ${tracker.udpUrl}`,
    ...(everywhere ? ["  (from another machine, put this machine's address in place of the loopback one)"] : []),
    `statistics: ${tracker.statsUrl}`,
    'Ctrl-C stops it.',
  ];
}

/** "started 127.0.0.1:7001 over http, peer -SL0100-…, torrent 5a5a5a5a5a5a: 0 seeders, 1 leecher" */
function describeAnnounce(announce: TrackerAnnounce, tracker: RunningTracker): string {
  const infoHash = Buffer.from(announce.infoHashHex, 'hex');
  const swarm = tracker.swarm(infoHash);
  const counts = swarm ? `: ${plural(swarm.seeders, 'seeder')}, ${plural(swarm.leechers, 'leecher')}` : '';
  const peerId = Buffer.from(announce.peerIdHex, 'hex').toString('latin1').replace(/[^\x20-\x7e]/g, '.');
  return `${announce.event === 'update' ? 'announce' : announce.event} ${announce.peer} over ${announce.protocol}, peer ${peerId}, torrent ${announce.infoHashHex.slice(0, 12)}${counts}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The first SIGINT or SIGTERM; the handlers are removed once it comes, so a second Ctrl-C ends the process as usual. */
export function untilStopSignal(): Promise<StopSignal> {
  return new Promise((resolve) => {
    const on = (signal: StopSignal) => () => {
      process.off('SIGINT', onInt).off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = on('SIGINT');
    const onTerm = on('SIGTERM');
    process.once('SIGINT', onInt).once('SIGTERM', onTerm);
  });
}
