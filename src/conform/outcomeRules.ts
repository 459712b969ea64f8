import { checkLogs } from '../logcheck/checkLogs.js';
import { specLogPath, type ScenarioRun } from './ScenarioRun.js';
import { judge, type Judgement } from './Verdict.js';

/** exit.by-itself: the peer exits (status 0) once every peer has the whole file, not before and not only when stopped. */
export function exitByItself(run: ScenarioRun): Judgement {
  const { end } = run;
  const at = `+${Math.round(end.atMs)}ms`;
  if (end.by === 'us') {
    const after = run.allCompleteAtMs === undefined ? 'the run ended' : `every peer had the file at +${Math.round(run.allCompleteAtMs)}ms`;
    return judge([`still running when stopped at ${at} (${after})`], [], '');
  }
  const how = end.signal ? `signal ${end.signal}` : `status ${end.code}`;
  if (run.allCompleteAtMs === undefined || end.atMs < run.allCompleteAtMs) return judge([`exited (${how}) at ${at}, before every peer had the file`], [], '');
  if (end.code !== 0) return judge([`exited with ${how} at ${at}`], [], '');
  return judge([], [`exited with status 0 at ${at}, ${Math.round(end.atMs - run.allCompleteAtMs)}ms after every peer had the file`], '');
}

/** log.file-place: the log is log_peer_<id>.log in the working directory (protocol.md, "Files a peer writes"). */
export function logFilePlace(run: ScenarioRun): Judgement {
  const expected = specLogPath(run.peerId);
  if (!run.log) return judge([`no ${expected} in the working directory, nor anywhere under it`], [], '');
  if (run.log.relativePath !== expected) return judge([`found at ${run.log.relativePath}, not at ./${expected}`], [], '');
  return judge([], [`./${expected} (${run.log.lines.length} lines)`], '');
}

/** log.sentences: every line one of the spec's sentences, and what one log can show of the run (src/logcheck). */
export function logSentences(run: ScenarioRun): Judgement {
  if (!run.log) return judge([], [], 'no log to read');
  const lines = run.log.lines.at(-1) === '' ? run.log.lines.slice(0, -1) : run.log.lines;
  const violations = checkLogs([{ peerId: run.peerId, file: run.log.relativePath, lines }], {
    pieceCount: run.pieceCount,
    k: run.k,
    peers: run.peers,
  });
  const failures = violations.map((v) => `${v.file}${v.line === undefined ? '' : `:${v.line}`} ${v.rule}: ${v.detail}`);
  return judge(failures, lines.length > 0 ? [`${run.log.relativePath}: ${lines.length} lines, each a spec sentence`] : [], 'the log is empty');
}
