import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { trackerCommand } from '../../src/cli/commands/tracker.js';

/**
 * The tracker command alone, wired as swarmlab.ts wires its commands: for the
 * tests that send it real signals (run with node --import tsx).
 */
await yargs(hideBin(process.argv)).scriptName('swarmlab').command(trackerCommand).strict().help().parseAsync();
