/**
 * `COPY (SELECT <one bytea column> ...) TO STDOUT (FORMAT binary)` streamed into a caller's
 * buffer: the bytes arrive raw (no hex text on either side) and each piece is copied once, into
 * place, as it comes off the socket. A node-postgres "submittable" (the protocol hooks that
 * pg-cursor and pg-copy-streams use), so it needs no extra dependency.
 */
import type { Hash } from 'node:crypto';
import type { Connection } from 'pg';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

type State = 'header' | 'ext' | 'fields' | 'len' | 'data' | 'done';

/** Receives the rows of a one-column binary COPY into `out`, hashing as it writes. */
export class BinaryCopyInto {
  /** Bytes written into `out`. */
  written = 0;
  /** Rows received. */
  rows = 0;
  /** Settles when the command is over. */
  readonly done: Promise<void>;
  private state: State = 'header';
  private need = 19;
  private remaining = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private failure: unknown;
  private settle!: (e?: unknown) => void;

  constructor(
    private readonly text: string,
    private readonly out: Uint8Array,
    private readonly hash: Hash,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = (e) => (e === undefined ? resolve() : reject(e));
    });
  }

  /** @hidden node-postgres hook */
  submit(connection: Connection): void {
    connection.query(this.text);
  }

  /** @hidden node-postgres hook */
  handleCopyData(msg: { chunk: Buffer }): void {
    if (this.failure !== undefined) return;
    try {
      this.feed(msg.chunk);
    } catch (e) {
      this.failure = e;
    }
  }

  /** @hidden node-postgres hook */
  handleCommandComplete(): void {}

  /** @hidden node-postgres hook */
  handleReadyForQuery(): void {
    if (this.failure === undefined && this.state !== 'done') {
      this.failure = new Error('binary COPY ended without its trailer');
    }
    this.settle(this.failure);
  }

  /** @hidden node-postgres hook: a server error or a lost connection */
  handleError(e: unknown): void {
    this.settle(e);
  }

  private feed(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.state === 'done') throw new Error('data after the binary COPY trailer');
      if (this.state === 'data') {
        const n = Math.min(this.remaining, chunk.length - pos);
        if (this.written + n > this.out.byteLength)
          throw new RangeError('blob longer than recorded');
        const piece = chunk.subarray(pos, pos + n);
        this.out.set(piece, this.written);
        this.hash.update(piece);
        this.written += n;
        this.remaining -= n;
        pos += n;
        if (this.remaining === 0) this.expect('fields', 2);
        continue;
      }
      const n = Math.min(this.need - this.pendingBytes, chunk.length - pos);
      this.pending.push(chunk.subarray(pos, pos + n));
      this.pendingBytes += n;
      pos += n;
      if (this.pendingBytes === this.need) this.field(Buffer.concat(this.pending));
    }
  }

  private expect(state: State, need: number): void {
    this.state = state;
    this.need = need;
    this.pending = [];
    this.pendingBytes = 0;
  }

  private field(b: Buffer): void {
    switch (this.state) {
      case 'header': {
        if (!b.subarray(0, 11).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
        const ext = b.readInt32BE(15);
        if (ext > 0) this.expect('ext', ext);
        else this.expect('fields', 2);
        return;
      }
      case 'ext':
        this.expect('fields', 2);
        return;
      case 'fields': {
        const count = b.readInt16BE(0);
        if (count === -1) {
          this.expect('done', 0);
          return;
        }
        if (count !== 1) throw new Error(`binary COPY row has ${count} fields, not 1`);
        this.rows++;
        this.expect('len', 4);
        return;
      }
      default: {
        const len = b.readInt32BE(0);
        if (len < 0) throw new Error('binary COPY field is NULL');
        if (len === 0) {
          this.expect('fields', 2);
          return;
        }
        this.expect('data', 0);
        this.remaining = len;
      }
    }
  }
}
