import { EventEmitter } from 'events';
import { PassThrough, type Readable } from 'stream';
import type { SshClient, SshResult, SshSession } from '../../../src/launcher/remote/ssh.js';

/** A session whose output and end the test writes. */
export class FakeSession extends EventEmitter implements SshSession {
  readonly pid = 4242;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly kills: string[] = [];

  constructor(readonly host: string, readonly script: string) {
    super();
  }

  say(line: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    this[stream].write(`${line}\n`);
  }

  /** As a process: its streams end, then 'close'. */
  close(code: number | null, signal: NodeJS.Signals | null = null): void {
    this.stdout.end();
    this.stderr.end();
    setImmediate(() => this.emit('close', code, signal));
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.kills.push(signal);
    return true;
  }
}

export interface RanScript {
  host: string;
  script: string;
  input?: string;
}

/** Records every session and script; `answer` decides each script's result (exit 0 and no output by default). */
export class FakeSshClient implements SshClient {
  readonly sessions: FakeSession[] = [];
  readonly ran: RanScript[] = [];

  constructor(private readonly answer: (ran: RanScript) => Partial<SshResult> = () => ({})) {}

  start(host: string, script: string): FakeSession {
    const session = new FakeSession(host, script);
    this.sessions.push(session);
    return session;
  }

  async run(host: string, script: string, input?: Readable): Promise<SshResult> {
    const ran: RanScript = { host, script, input: input ? await readAll(input) : undefined };
    this.ran.push(ran);
    return { code: 0, stdout: Buffer.alloc(0), stderr: '', ...this.answer(ran) };
  }
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
