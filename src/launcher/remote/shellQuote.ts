/**
 * One word for a POSIX shell (and for csh, the login shell of some lab
 * machines): left bare when it is plainly safe, else single-quoted, each
 * single quote closing the quotes, escaped, and reopening them.
 */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
