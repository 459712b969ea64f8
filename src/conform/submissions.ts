import * as fs from 'fs';
import * as path from 'path';
import { runLineWords } from './runLineWords.js';

/** The file in a submission folder that holds its command. */
export const RUN_FILE = 'run';

export interface Submission {
  name: string;
  folder: string;
  /** The command's words, ready to start (paths in the folder made absolute), or why there is none. */
  command: string[] | { error: string };
}

export interface SubmissionsDir {
  submissions: Submission[];
  /** Subfolders without a `run` file. */
  skipped: string[];
}

/** The subfolders of `dir`, sorted by name: those with a `run` file are submissions, the others skipped. */
export function findSubmissions(dir: string): SubmissionsDir {
  const folders = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const submissions: Submission[] = [];
  const skipped: string[] = [];
  for (const name of folders) {
    const folder = path.resolve(dir, name);
    const runFile = path.join(folder, RUN_FILE);
    if (!fs.existsSync(runFile)) skipped.push(name);
    else submissions.push({ name, folder, command: commandOf(fs.readFileSync(runFile, 'utf8'), folder, runFile) });
  }
  return { submissions, skipped };
}

/**
 * The first non-blank line of a `run` file, cut into words with a shell's
 * quoting but no shell (runLineWords): `{dir}` stands for the submission
 * folder, and a word starting with `./` or `../` is a path in that folder,
 * made absolute, because the peer runs in each scenario's own directory (a
 * bare `.` stays: that directory).
 */
export function commandOf(text: string, folder: string, runFile: string): string[] | { error: string } {
  const lines = text.split(/\r?\n/);
  const index = lines.findIndex((line) => line.trim() !== '');
  if (index < 0) return { error: `${runFile}: empty, expected one line with the command that starts the peer` };
  const extra = lines.findIndex((line, i) => i > index && line.trim() !== '');
  if (extra >= 0) return { error: `${runFile}:${extra + 1}: a second line; one line expected, the command that starts the peer` };
  const words = runLineWords(lines[index]);
  if (!Array.isArray(words)) return { error: `${runFile}:${index + 1}: ${words.error}` };
  return words
    .map((word) => word.replaceAll('{dir}', folder))
    .map((word) => (word.startsWith('./') || word.startsWith('../') ? path.join(folder, word) : word));
}
