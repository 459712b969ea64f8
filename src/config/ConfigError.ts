/**
 * A problem in Common.cfg or PeerInfo.cfg that stops the peer from starting.
 * It carries the file, line and key as fields (so callers and tests can check
 * them) and a message that points a person straight at the offending line.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly file: string;
  readonly line?: number;
  readonly key?: string;
  readonly problem: string;

  constructor(file: string, line: number | undefined, key: string | undefined, problem: string) {
    super(formatLocation(file, line) + (key !== undefined ? `${key}: ` : '') + problem);
    // Keeps instanceof working even if this is ever compiled to ES5, where
    // subclassing Error loses the prototype.
    Object.setPrototypeOf(this, new.target.prototype);
    this.file = file;
    this.line = line;
    this.key = key;
    this.problem = problem;
  }
}

/** Something odd but harmless (an unknown key, a key in the wrong case): reported, never fatal. */
export interface ConfigWarning {
  file: string;
  line: number;
  message: string;
}

/** "Common.cfg:9: warning: unknown key 'Foo' ignored", ready for a log line. */
export function formatWarning(warning: ConfigWarning): string {
  return `${formatLocation(warning.file, warning.line)}warning: ${warning.message}`;
}

function formatLocation(file: string, line: number | undefined): string {
  return line !== undefined ? `${file}:${line}: ` : `${file}: `;
}
