/**
 * Cuts a `run` file's command line into words as a POSIX shell would quote
 * them, without running a shell: 'single quotes' keep everything, "double
 * quotes" keep everything but a backslash before \ " $ or `, and a backslash
 * outside quotes keeps the next character. What a shell would do more
 * (operators, redirections, globs, variables, ~) is refused, not passed on
 * as literal text the student did not mean.
 */

/** Characters with a meaning to a shell that we do not give them; quoted, they are plain text. */
const SHELL_ONLY: Record<string, string> = {
  '|': 'a pipe',
  '&': 'a background or && operator',
  ';': 'a command separator',
  '<': 'a redirection',
  '>': 'a redirection',
  '(': 'a subshell',
  ')': 'a subshell',
  '*': 'a glob',
  '?': 'a glob',
  '[': 'a glob',
  $: 'a variable or command substitution',
  '`': 'a command substitution',
};
/** Inside double quotes a backslash escapes only these (POSIX); before others it is itself. */
const ESCAPED_IN_DOUBLE_QUOTES = '\\"$`';

export type Words = string[] | { error: string };

/** The words of one line; an error says what is wrong and at which column (1-based). */
export function runLineWords(line: string): Words {
  const words: string[] = [];
  let word: string | undefined; // undefined between words; '' is a word begun by empty quotes
  let at = 0;
  const fail = (what: string, column = at + 1): Words => ({ error: `column ${column}: ${what}` });
  while (at < line.length) {
    const char = line[at];
    if (char === ' ' || char === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
      at++;
    } else if (char === "'") {
      const end = line.indexOf("'", at + 1);
      if (end < 0) return fail('a single quote opened here is never closed (the command must be on one line)');
      word = (word ?? '') + line.slice(at + 1, end);
      at = end + 1;
    } else if (char === '"') {
      const opened = at + 1;
      word ??= '';
      for (at++; line[at] !== '"'; at++) {
        if (at >= line.length) return fail('a double quote opened here is never closed (the command must be on one line)', opened);
        if (line[at] === '\\' && ESCAPED_IN_DOUBLE_QUOTES.includes(line[at + 1] ?? '')) at++;
        else if (line[at] === '$' || line[at] === '`') return fail(`${line[at]} inside double quotes would be ${SHELL_ONLY[line[at]]} in a shell; no shell runs this line: use single quotes for the character itself`, at + 1);
        word += line[at];
      }
      at++;
    } else if (char === '\\') {
      if (at + 1 >= line.length) return fail('a backslash at the end of the line (the command must be on one line)');
      word = (word ?? '') + line[at + 1];
      at += 2;
    } else if (SHELL_ONLY[char] !== undefined) {
      return fail(`'${char}' would be ${SHELL_ONLY[char]} in a shell; no shell runs this line: quote it to pass the character itself`);
    } else if (char === '~' && word === undefined) {
      return fail("'~' would be the home folder in a shell; no shell runs this line: write the path out (or quote it)");
    } else {
      word = (word ?? '') + char;
      at++;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}
