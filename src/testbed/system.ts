import { execFile } from 'child_process';

/** How the testbed runs the system's tools: a program and its arguments, never a shell string. */
export interface System {
  /** Runs `file` to its end; resolves with its stdout, rejects with a SystemCommandError. */
  run(file: string, args: readonly string[]): Promise<string>;
}

/** A tool that failed, with what it said on stderr (the reason worth showing). */
export class SystemCommandError extends Error {
  constructor(
    readonly command: string,
    readonly reason: string,
    /** ENOENT when the program itself is missing. */
    readonly code?: string,
  ) {
    super(`${command}: ${reason}`);
  }
}

export const realSystem: System = {
  run: (file, args) =>
    new Promise((resolve, reject) => {
      execFile(file, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const code = typeof error.code === 'string' ? error.code : undefined;
        const reason = code === 'ENOENT' ? 'not found' : stderr.trim() || error.message;
        reject(new SystemCommandError([file, ...args].join(' '), reason, code));
      });
    }),
};
