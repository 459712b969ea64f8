import type { Argv, CommandModule } from 'yargs';
import { bringUp } from '../../testbed/bringUp.js';
import { execInController } from '../../testbed/exec.js';
import { DEFAULT_PEER_PORT, DEFAULT_SUBNET, DEFAULT_TAG, MAX_HOSTS } from '../../testbed/plan.js';
import { defaultStateDir, readState } from '../../testbed/state.js';
import { describeTestbed } from '../../testbed/summary.js';
import { tearDown } from '../../testbed/tearDown.js';
import { TestbedError, type TestbedFailure } from '../../testbed/TestbedError.js';
import { ExitCode } from '../exitCodes.js';

const EXIT_CODE_OF: Record<TestbedFailure, number> = { usage: ExitCode.Usage, unavailable: ExitCode.Testbed, step: ExitCode.Testbed, interrupted: ExitCode.Interrupted };

interface WhereArgs {
  tag: string;
  'state-dir'?: string;
}

interface UpArgs extends WhereArgs {
  hosts: string;
  rate: string[];
  subnet: string;
  'peer-port': number;
}

interface ExecArgs extends WhereArgs {
  /** What follows `--`: the command, kept as written (not parsed as our options). */
  '--'?: (string | number)[];
}

const where = <T>(yargs: Argv<T>) =>
  yargs
    .option('tag', { type: 'string', default: DEFAULT_TAG, describe: 'names the testbed (its namespaces are swl-TAG-...), so several can coexist' })
    .option('state-dir', { type: 'string', describe: 'where its keys, configs and state live (default: <tmp>/swarmlab-testbed-TAG)' });

const stateDirOf = (args: WhereArgs) => args['state-dir'] ?? defaultStateDir(args.tag);

const upCommand: CommandModule<object, UpArgs> = {
  command: 'up <hosts>',
  describe: 'bring up N hosts, each a network namespace with its own address and sshd, on a private switch',
  builder: (yargs) =>
    where(yargs)
      // Read as text, so a bad count is quoted as written rather than as NaN.
      .positional('hosts', { type: 'string', demandOption: true, describe: `how many hosts (1 to ${MAX_HOSTS})` })
      .check((args) => {
        if (!/^\d+$/.test(args.hosts)) throw new Error(`the number of hosts must be a whole number from 1 to ${MAX_HOSTS}, got '${args.hosts}'`);
        return true;
      })
      .option('rate', { type: 'string', array: true, default: [], describe: 'limit what hosts send: RATE for all (tc units: 20mbit, 500kbit) or hN=RATE for one; repeatable' })
      .option('subnet', { type: 'string', default: DEFAULT_SUBNET, describe: 'the private /24 of the hosts (.2 the controller, .11.. the hosts); refused if this machine routes it' })
      .option('peer-port', { type: 'number', default: DEFAULT_PEER_PORT, describe: 'the port of every peer in the PeerInfo.cfg written' }),
  handler: (args) =>
    runTestbed(async () => {
      // Ctrl-C (or SIGTERM) midway: up stops before its next step and removes what it had made.
      const interrupted = new AbortController();
      const interrupt = () => interrupted.abort();
      process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
      try {
        const options = { hosts: Number(args.hosts), tag: args.tag, subnet: args.subnet, peerPort: args['peer-port'], rates: args.rate, stateDir: args['state-dir'] };
        const state = await bringUp({ ...options, signal: interrupted.signal });
        for (const line of describeTestbed(state)) console.log(line);
        return ExitCode.Ok;
      } finally {
        process.off('SIGINT', interrupt).off('SIGTERM', interrupt);
      }
    }),
};

const downCommand: CommandModule<object, WhereArgs> = {
  command: 'down',
  describe: "stop the testbed's sshds, delete its namespaces and its state (again: nothing to do)",
  builder: (yargs) => where(yargs),
  handler: (args) =>
    runTestbed(async () => {
      const report = await tearDown(stateDirOf(args));
      console.log(
        report.found
          ? `testbed ${args.tag} is down: ${report.stoppedSshds} sshd(s) stopped, ${report.deletedNamespaces.length} namespace(s) deleted`
          : `no testbed in ${stateDirOf(args)}: nothing to tear down`,
      );
      return ExitCode.Ok;
    }),
};

const execCommand: CommandModule<object, ExecArgs> = {
  command: 'exec',
  describe: "run a command in the testbed's controller namespace (the front machine), e.g. ssh or swarmlab swarm",
  builder: (yargs) =>
    where(yargs)
      .usage('$0 testbed exec [--tag TAG] -- COMMAND [ARGS...]')
      .parserConfiguration({ 'populate--': true })
      .check((args) => {
        if (!(args['--'] as unknown[] | undefined)?.length) throw new Error('name the command to run after --, e.g. swarmlab testbed exec -- ssh -F CONFIG h1 true');
        return true;
      })
      .example('$0 testbed exec -- ssh -F /tmp/swarmlab-testbed-swarmlab/ssh_config h1 true', 'reach host h1 from the controller'),
  handler: (args) =>
    runTestbed(async () => {
      const state = readState(stateDirOf(args));
      if (!state) throw new TestbedError(`no testbed in ${stateDirOf(args)}: bring one up first (swarmlab testbed up N --tag ${args.tag})`, 'unavailable');
      return execInController(state, args['--']!.map(String));
    }),
};

export const testbedCommand: CommandModule<object, object> = {
  command: 'testbed',
  describe: 'a lab of hosts on this machine (root; Linux network namespaces): up, exec, down',
  builder: (yargs) =>
    yargs
      .command(upCommand)
      .command(execCommand)
      .command(downCommand)
      .demandCommand(1, 'name an action: up, exec or down')
      .example('$0 testbed up 4 --rate 20mbit', 'four hosts sending at most 20 Mbit/s each')
      .epilog(
        'Every address lives inside the namespaces the testbed makes; nothing is added to this machine\'s own network.\n' +
          `Exit codes: 0 done, 2 usage (or a --subnet this machine routes), ${ExitCode.Testbed} not root, a tool missing, the tag in use, or a step the system refused (named), 130 up interrupted (what it had made is removed); exec exits with its command's code.`,
      ),
  handler: () => {},
};

async function runTestbed(action: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (error) {
    if (!(error instanceof TestbedError)) throw error;
    process.stderr.write(`swarmlab testbed: ${error.message}\n`);
    process.exitCode = EXIT_CODE_OF[error.failure];
  }
}
