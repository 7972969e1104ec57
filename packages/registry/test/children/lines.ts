import { type ChildProcess, spawn } from 'node:child_process';

/** A child process whose stdout is read line by line, with waits on what it has printed. */
export class LineChild {
  readonly proc: ChildProcess;
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private waiters: { test: () => boolean; resolve: () => void }[] = [];

  constructor(script: string, args: readonly string[]) {
    this.proc = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let buf = '';
    this.proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        this.lines.push(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        nl = buf.indexOf('\n');
      }
      this.poke();
    });
    this.proc.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code) => {
        this.poke();
        resolve(code);
      });
    });
  }

  private poke(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.test()) return true;
      w.resolve();
      return false;
    });
  }

  /**
   * Resolves once `test` holds over the lines printed so far; rejects (with what the child
   * printed) if it exits first or `timeoutMs` passes.
   */
  until(
    test: (lines: readonly string[]) => boolean,
    what: string,
    timeoutMs = 30_000,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (why: string) =>
        reject(new Error(`${why} before ${what}:\n${this.lines.join('\n')}\n${this.stderr}`));
      const timer = setTimeout(() => fail(`${timeoutMs} ms passed`), timeoutMs);
      const check = () => {
        if (test(this.lines)) {
          clearTimeout(timer);
          return true;
        }
        if (this.proc.exitCode !== null) {
          clearTimeout(timer);
          fail(`the child exited (${this.proc.exitCode})`);
          return true;
        }
        return false;
      };
      if (check()) resolve();
      else this.waiters.push({ test: check, resolve });
    });
  }

  /** Lines matching `re`, as match arrays. */
  matches(re: RegExp): RegExpExecArray[] {
    return this.lines.map((l) => re.exec(l)).filter((m) => m !== null);
  }

  /** Writes one line to the child's stdin. */
  send(line: string): void {
    this.proc.stdin!.write(`${line}\n`);
  }
}
