/**
 * The brief's split: the rules are pure functions of a scenario's recording;
 * only the runner touches processes, sockets and files. A rule file that
 * imports one of those (or the runner) fails here, named.
 */
import * as fs from 'fs';
import * as path from 'path';

const CONFORM = path.join(import.meta.dirname, '..', '..', 'src', 'conform');
// batch and submissions are the runner too: they find submission folders and run the scenarios for each.
const RUNNER = ['scenarios', 'lateJoinerScenario', 'byRateScenario', 'twoSourcesScenario', 'peerDialsOurs', 'scripts', 'partialPeerScripts', 'ScriptedNeighbour', 'PeerUnderTest', 'workDir', 'conformance', 'batch', 'submissions'];
const IMPURE = new Set(['fs', 'net', 'child_process', 'os', 'perf_hooks', 'http', 'dgram']);
const IMPORT = /^\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]/gm;

test('the rule files import no process, socket or file module, nor the scenario runner', () => {
  const ruleFiles = fs.readdirSync(CONFORM).filter((name) => name.endsWith('.ts') && !RUNNER.includes(name.replace(/\.ts$/, '')));
  expect(ruleFiles).toEqual(expect.arrayContaining(['rules.ts', 'handshakeRules.ts', 'WireRecord.ts', 'Verdict.ts']));
  const offending = ruleFiles.flatMap((name) =>
    [...fs.readFileSync(path.join(CONFORM, name), 'utf8').matchAll(IMPORT)]
      .map((match) => match[1])
      .filter((specifier) => IMPURE.has(specifier.replace(/^node:/, '')) || RUNNER.some((runner) => specifier === `./${runner}.js`))
      .map((specifier) => `${name} imports ${specifier}`),
  );
  expect(offending).toEqual([]);
});
