/**
 * Comma-separated fields read straight from the bytes of one line: numbers are parsed without
 * creating strings, so a reader allocates nothing per field. Every read either returns the value
 * and advances past the next comma, or records the failing column and a static reason and
 * returns NaN; the caller checks {@link FieldCursor.failed} once per line.
 *
 * @module
 */

const COMMA = 44;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const SPACE = 32;
const TAB = 9;
const QUOTE = 34;

// exact powers of ten as doubles: m / 10^k is correctly rounded for m < 2^53 and k <= 22
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** A cursor over the fields of one line of a Buffer. */
export class FieldCursor {
  buf: Buffer = Buffer.alloc(0);
  /** Position of the next field's first byte. */
  pos = 0;
  /** One past the line's last byte. */
  end = 0;
  /** Start of the line, for columns. */
  lineStart = 0;
  /** 1-based column of the first failure on this line, 0 when none. */
  failColumn = 0;
  /** Why the first failure happened. */
  failReason = '';
  /** 0-based index of the field being read. */
  field = 0;

  /** Points the cursor at bytes [start, end) of `buf`. */
  reset(buf: Buffer, start: number, end: number): void {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.lineStart = start;
    this.failColumn = 0;
    this.failReason = '';
    this.field = 0;
  }

  /** True when a read on this line failed. */
  get failed(): boolean {
    return this.failColumn !== 0;
  }

  /** True when every field of the line has been read. */
  get atEnd(): boolean {
    return this.pos > this.end;
  }

  fail(reason: string, at: number): number {
    if (this.failColumn === 0) {
      this.failColumn = at - this.lineStart + 1;
      this.failReason = reason;
    }
    this.pos = this.end + 1;
    return Number.NaN;
  }

  /** Skips to past the next comma (or the line's end). */
  private next(at: number): void {
    this.pos = at + 1;
    this.field++;
  }

  /** Reads a decimal number (optional sign, digits, optional fraction, optional exponent). */
  number(what: string): number {
    // fast path: digits, an optional fraction, at most 15 digits in all, up to the comma or the
    // line's end; anything else (signs, blanks, exponents, long mantissas) takes the general path.
    // The digit loops test no bound: the byte at the line's end is never a digit (see
    // plainIntegers)
    const buf = this.buf;
    const end = this.end;
    const s = this.pos;
    if (s > end) return this.generalNumber(what); // past the line's end: a field is missing
    let i = s;
    let m = 0;
    for (;;) {
      const d = buf[i]! - ZERO;
      if (!(d >= 0 && d <= 9)) break;
      m = m * 10 + d;
      i++;
    }
    let frac = 0;
    if (i < end && buf[i] === DOT) {
      const f = ++i;
      for (;;) {
        const d = buf[i]! - ZERO;
        if (!(d >= 0 && d <= 9)) break;
        m = m * 10 + d;
        i++;
      }
      frac = i - f;
      if (frac === 0) return this.generalNumber(what);
    }
    const digits = i - s - (frac > 0 ? 1 : 0);
    if (digits > 0 && digits <= 15 && i <= end && (i === end || buf[i] === COMMA)) {
      this.pos = i + 1;
      this.field++;
      return frac === 0 ? m : m / POW10[frac]!;
    }
    return this.generalNumber(what);
  }

  private generalNumber(what: string): number {
    const buf = this.buf;
    const end = this.end;
    let i = this.pos;
    if (i > end) return this.fail(`missing ${what}`, i);
    // every read is guarded by i < end, so no load ever leaves the line (or the buffer)
    while (i < end && (buf[i] === SPACE || buf[i] === TAB)) i++;
    const start = i;
    let neg = false;
    if (i < end && (buf[i] === MINUS || buf[i] === PLUS)) {
      neg = buf[i] === MINUS;
      i++;
    }
    let m = 0;
    let digits = 0;
    let frac = 0;
    while (i < end) {
      const d = buf[i]! - ZERO;
      if (d < 0 || d > 9) break;
      m = m * 10 + d;
      digits++;
      i++;
    }
    if (i < end && buf[i] === DOT) {
      i++;
      while (i < end) {
        const d = buf[i]! - ZERO;
        if (d < 0 || d > 9) break;
        m = m * 10 + d;
        digits++;
        frac++;
        i++;
      }
    }
    if (digits === 0) return this.fail(`${what} is not a number`, start);
    let value: number;
    if (i < end && (buf[i] === 101 || buf[i] === 69)) {
      // an exponent: rare in market data; let the engine's parser decide exactly
      i++;
      if (i < end && (buf[i] === MINUS || buf[i] === PLUS)) i++;
      const e0 = i;
      while (i < end && buf[i]! >= ZERO && buf[i]! <= NINE) i++;
      if (i === e0) return this.fail(`${what} has a malformed exponent`, start);
      value = Number(buf.toString('latin1', start, i));
    } else if (digits <= 15) {
      value = frac === 0 ? m : m / POW10[frac]!;
      if (neg) value = -value;
    } else {
      value = Number(buf.toString('latin1', start, i));
    }
    while (i < end && (buf[i] === SPACE || buf[i] === TAB)) i++;
    if (i < end && buf[i] !== COMMA) return this.fail(`${what} is not a number`, start);
    if (value - value !== 0) return this.fail(`${what} is out of range`, start);
    this.pos = i + 1;
    this.field++;
    return value;
  }

  /** Reads a number that must be > 0 (a price, a traded size). */
  positive(what: string): number {
    const at = this.pos;
    const v = this.number(what);
    if (this.failColumn === 0 && !(v > 0)) return this.fail(`${what} must be > 0`, at);
    return v;
  }

  /** Reads a number that must be >= 0 (a level size, where 0 removes the level). */
  nonNegative(what: string): number {
    const at = this.pos;
    const v = this.number(what);
    if (this.failColumn === 0 && !(v >= 0)) return this.fail(`${what} must be >= 0`, at);
    return v;
  }

  /** Reads an integer that fits a double exactly (|n| <= 2^53 - 1). */
  integer(what: string): number {
    // fast path: an optional minus and up to 15 digits up to the comma or the line's end (what
    // market-data files hold); anything else goes through number() and its rules
    const buf = this.buf;
    const end = this.end;
    let i = this.pos;
    if (i < end) {
      const neg = buf[i] === MINUS;
      if (neg) i++;
      const s = i;
      let m = 0;
      for (;;) {
        // no bound test: the byte at the line's end is never a digit (see plainIntegers)
        const d = buf[i]! - ZERO;
        if (!(d >= 0 && d <= 9)) break;
        m = m * 10 + d;
        i++;
      }
      const n = i - s;
      if (n > 0 && n <= 15 && i <= end && (i === end || buf[i] === COMMA)) {
        this.pos = i + 1;
        this.field++;
        return neg ? -m : m;
      }
    }
    return this.generalInteger(what);
  }

  /**
   * Reads the rest of the line as exactly `out.length` plain integers (an optional minus and 1 to
   * 15 digits each, comma-separated, nothing else) into `out`. Returns false, having recorded no
   * failure and moved nothing, when the line is anything else: the caller then reads it field by
   * field, which accepts the same values and names the failing column.
   *
   * The digit loops test no bound: they stop at the first byte that is not a digit, and the byte
   * at the line's end never is one (the reader hands over every line with its newline or CR after
   * it, in the buffer, so no load leaves it); the line's end is checked once per field.
   */
  plainIntegers(out: Float64Array): boolean {
    const buf = this.buf;
    const end = this.end;
    const last = out.length - 1;
    let i = this.pos;
    for (let k = 0; ; k++) {
      const neg = buf[i] === MINUS;
      if (neg) i++;
      const s = i;
      let m = 0;
      for (;;) {
        // two digits a step: half the multiply-add chain of one digit a step
        const d = buf[i]! - ZERO;
        if (!(d >= 0 && d <= 9)) break;
        const e = buf[i + 1]! - ZERO;
        if (!(e >= 0 && e <= 9)) {
          m = m * 10 + d;
          i++;
          break;
        }
        m = m * 100 + (d * 10 + e);
        i += 2;
      }
      const len = i - s;
      if (len === 0 || len > 15 || i > end) return false;
      out[k] = neg ? -m : m;
      if (k === last) {
        if (i !== end) return false;
        break;
      }
      if (i === end || buf[i] !== COMMA) return false;
      i++;
    }
    this.pos = end + 1;
    this.field += out.length;
    return true;
  }

  private generalInteger(what: string): number {
    const at = this.pos;
    const v = this.number(what);
    if (this.failColumn !== 0) return v;
    if (!Number.isSafeInteger(v)) return this.fail(`${what} must be an integer`, at);
    return v;
  }

  /**
   * Reads a short word and returns its index in `words` (compared case-insensitively for ASCII),
   * or fails. `words` must be lower case.
   */
  choice(what: string, words: readonly string[]): number {
    const buf = this.buf;
    const end = this.end;
    let i = this.pos;
    if (i > end) return this.fail(`missing ${what}`, i);
    while (i < end && (buf[i] === SPACE || buf[i] === TAB)) i++;
    let s = i;
    let e = i;
    while (e < end && buf[e] !== COMMA) e++;
    let stop = e;
    while (stop > s && (buf[stop - 1] === SPACE || buf[stop - 1] === TAB)) stop--;
    if (buf[s] === QUOTE && stop - s >= 2 && buf[stop - 1] === QUOTE) {
      s++;
      stop--;
    }
    for (let w = 0; w < words.length; w++) {
      const word = words[w]!;
      if (word.length !== stop - s) continue;
      let k = 0;
      while (k < word.length && (buf[s + k]! | 0x20) === word.charCodeAt(k)) k++;
      if (k === word.length) {
        this.next(e);
        return w;
      }
    }
    return this.fail(`${what} must be one of ${words.join(', ')}`, s);
  }

  /** Skips one field whatever it holds. */
  skip(): void {
    const buf = this.buf;
    let i = this.pos;
    while (i < this.end && buf[i] !== COMMA) i++;
    this.next(i);
  }

  /** Reads a field as a string (for ids and headers); quotes around it are removed. */
  text(): string {
    const buf = this.buf;
    let s = this.pos;
    let e = s;
    while (e < this.end && buf[e] !== COMMA) e++;
    let stop = e;
    if (buf[s] === QUOTE && stop - s >= 2 && buf[stop - 1] === QUOTE) {
      s++;
      stop--;
    }
    const t = buf.toString('utf8', s, stop).trim();
    this.next(e);
    return t;
  }

  /** Fails unless the line has no more fields. */
  expectEnd(): void {
    if (this.failColumn === 0 && this.pos <= this.end) {
      this.fail(`more than ${this.field} fields`, this.pos);
    }
  }
}

/** Byte value of a digit check, exported for the header sniffers. */
export function isDigitByte(c: number | undefined): boolean {
  return c !== undefined && c >= ZERO && c <= NINE;
}
