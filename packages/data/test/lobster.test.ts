import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type L2Snapshot, ValidationError, validateL2Snapshot } from '@x/core';
import { fcParams } from '@x/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLobster, readLobsterMessages, readLobsterOrderbook } from '../src/index.js';

const message = fc.record({
  time: fc.integer({ min: 34_200_000_000_000, max: 57_600_000_000_000 }).map((n) => n / 1e9),
  type: fc.constantFrom(1, 2, 3, 4, 5, 6),
  orderId: fc.integer({ min: 1, max: 2 ** 40 }),
  size: fc.integer({ min: 1, max: 100_000 }),
  ticks: fc.integer({ min: 1, max: 10_000_000 }),
  direction: fc.constantFrom(1, -1),
});
type Msg = typeof message extends fc.Arbitrary<infer T> ? T : never;
const line = (m: Msg) =>
  `${m.time},${m.type},${m.orderId},${m.size},${m.ticks * 100},${m.direction}`;

/** Splits bytes at the given cut points: a stream whose chunks end mid-line and mid-number. */
function chunks(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  return out;
}

describe('readLobsterMessages', () => {
  it('reads back what was written, from any chunking and from gzip (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(message, { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        async (msgs, cuts, gz, trailingNewline) => {
          const text = msgs.map(line).join('\n') + (trailingNewline ? '\n' : '');
          const raw = gz ? gzipSync(text) : Buffer.from(text);
          const got = await readLobsterMessages(chunks(raw, cuts), { tickSize: '0.01' }).toArray();
          expect(got.length).toBe(msgs.length);
          got.forEach((g, i) => {
            const m = msgs[i]!;
            expect(g.time).toBe(m.time);
            expect(g.ts).toBe(m.time * 1000);
            expect(g.type).toBe(m.type);
            expect(g.orderId).toBe(m.orderId);
            expect(g.size).toBe(m.size);
            expect(g.priceRaw).toBe(m.ticks * 100);
            expect(g.priceTicks).toBe(m.ticks);
            expect(g.price).toBe((m.ticks * 100) / 10_000);
            expect(g.side).toBe(m.direction === 1 ? 'buy' : 'sell');
          });
        },
      ),
      fcParams({ numRuns: 150 }),
    );
  });

  it('names the line of any corruption, or skips and counts it (property)', async () => {
    const corruption = fc.constantFrom(
      (l: string) => l.replace(/,[^,]*$/, ''), // a field missing
      (l: string) => `${l},7`, // a field too many
      (l: string) => l.replace(/^[^,]*/, 'x1'), // a time that is not a number
      (l: string) => l.replace(/,\d,/, ',9,'), // an unknown type
      (l: string) => l.replace(/,-?1$/, ',0'), // a direction that is not ±1
      (l: string) => l.replace(/,(\d+),(-?1)$/, ',$1.5,$2'), // a fractional price
      (l: string) => l.replace(/,(\d+)0,(-?1)$/, ',$11,$2'), // a price off the tick grid
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(message, { minLength: 2, maxLength: 30 }),
        fc.nat(),
        corruption,
        async (msgs, j0, corrupt) => {
          const j = j0 % msgs.length;
          const lines = msgs.map(line);
          lines[j] = corrupt(lines[j]!);
          const src = [Buffer.from(lines.join('\n'))];
          const err = await readLobsterMessages(src, { tickSize: '0.01', name: 'm.csv' })
            .toArray()
            .then(
              () => undefined,
              (e: unknown) => e,
            );
          expect(ValidationError.isInstance(err)).toBe(true);
          const e = err as ValidationError;
          expect(e.details.line).toBe(j + 1);
          expect(e.details.file).toBe('m.csv');
          expect(e.message).toMatch(new RegExp(`^m\\.csv:${j + 1}:\\d+: `));
          const skip = readLobsterMessages(src, { tickSize: '0.01', onInvalid: 'skip' });
          const kept = await skip.toArray();
          expect(kept.length).toBe(msgs.length - 1);
          expect(skip.stats.skipped).toBe(1);
          expect(skip.stats.firstSkipped?.details.line).toBe(j + 1);
        },
      ),
      fcParams({ numRuns: 200 }),
    );
  });

  it('reports the column of the bad field and refuses a corrupt gzip stream', async () => {
    const src = [Buffer.from('34200.1,1,5,18,5853300,1\n34200.2,1,6,abc,5853300,1\n')];
    await expect(readLobsterMessages(src).toArray()).rejects.toThrow(
      '<stream>:2:13: size is not a number',
    );
    const gz = gzipSync('34200.1,1,5,18,5853300,1\n');
    gz[gz.length - 6]! ^= 0xff; // break the CRC
    await expect(readLobsterMessages([gz], { name: 'x.gz' }).toArray()).rejects.toThrow(
      /x\.gz: not a valid gzip stream/,
    );
    expect(() => readLobsterMessages([], { tickSize: '0.00001' })).toThrow(/tickSize/);
    expect(() => readLobsterMessages([], { onInvalid: 'ignore' as 'skip' })).not.toThrow();
  });
});

describe('readLobsterOrderbook', () => {
  it('reads levels with LOBSTER dummy prices for empty levels', async () => {
    const row = '5859400,200,5853300,18,9999999999,0,-9999999999,0';
    const [book] = await readLobsterOrderbook([Buffer.from(row)], { levels: 2 }).toArray();
    expect(Array.from(book!.askPrice)).toEqual([585.94, 0]);
    expect(Array.from(book!.askSize)).toEqual([200, 0]);
    expect(Array.from(book!.bidPrice)).toEqual([585.33, 0]);
    expect(Array.from(book!.bidSize)).toEqual([18, 0]);
    await expect(
      readLobsterOrderbook([Buffer.from(`${row},1,1`)], { levels: 2 }).toArray(),
    ).rejects.toThrow(/more than 8 fields/);
    await expect(
      readLobsterOrderbook([Buffer.from('5859400,200,5853300')], { levels: 1 }).toArray(),
    ).rejects.toThrow(/:1:\d+: missing bid size/);
    expect(() => readLobsterOrderbook([], { levels: 0 })).toThrow(/levels/);
  });

  it('reads a row as its field-by-field reading does, values and errors alike (property)', async () => {
    // a blank after every comma sends each row down the field-by-field path, whose checks name
    // the column: the one-pass path for plain rows must give the same books and the same errors
    const field = fc.oneof(
      fc.integer({ min: 1, max: 700_000 }).map((n) => String(n * 100)), // on the 0.01 tick
      fc.integer({ min: -5, max: 300 }).map(String), // sizes, zero and negative ones
      fc.constantFrom(
        '9999999999',
        '-9999999999',
        '0',
        '-0',
        '5853301',
        '-5853300',
        '1234567890123456',
      ),
    );
    const rows = fc.array(fc.array(field, { minLength: 7, maxLength: 9 }), {
      minLength: 1,
      maxLength: 8,
    });
    const read = async (text: string, reuseSnapshot: boolean, onTick: boolean) => {
      const out: number[][] = [];
      try {
        await readLobsterOrderbook([Buffer.from(text)], {
          levels: 2,
          reuseSnapshot,
          ...(onTick ? { tickSize: '0.01' } : {}),
        }).forEach((b) => {
          out.push([...b.askPrice, ...b.askSize, ...b.bidPrice, ...b.bidSize]);
        });
        return { out };
      } catch (e) {
        expect(ValidationError.isInstance(e)).toBe(true);
        const d = (e as ValidationError).details;
        return { out, line: d.line, reason: d.reason };
      }
    };
    await fc.assert(
      fc.asyncProperty(rows, fc.boolean(), fc.boolean(), async (rs, reuse, onTick) => {
        const plain = rs.map((r) => r.join(',')).join('\n');
        const spaced = rs.map((r) => r.join(', ')).join('\n');
        expect(await read(plain, reuse, onTick)).toEqual(await read(spaced, reuse, onTick));
      }),
      fcParams({ numRuns: 300 }),
    );
  });

  it('reuseSnapshot refills one snapshot per row, with the same values as fresh ones', async () => {
    const rows = ['5859400,200,5853300,18', '5859500,100,5853400,7', '5859600,300,5853200,9'];
    const src = () => [Buffer.from(rows.join('\n'))];
    const fresh = await readLobsterOrderbook(src(), { levels: 1 }).toArray();
    const seen: number[][] = [];
    const objects = new Set<object>();
    await readLobsterOrderbook(src(), { levels: 1, reuseSnapshot: true }).forEach((b) => {
      objects.add(b);
      seen.push([b.askPrice[0]!, b.askSize[0]!, b.bidPrice[0]!, b.bidSize[0]!]);
    });
    expect(objects.size).toBe(1);
    expect(seen).toEqual(
      fresh.map((b) => [b.askPrice[0]!, b.askSize[0]!, b.bidPrice[0]!, b.bidSize[0]!]),
    );
    expect(new Set(fresh).size).toBe(3);
    // fresh snapshots share blocks but never values: writing one leaves the others as read
    fresh[0]!.bidSize[0] = -1;
    fresh[0]!.askSize.fill(-2);
    expect(fresh.slice(1).map((b) => [b.askSize[0], b.bidSize[0]])).toEqual([
      [100, 7],
      [300, 9],
    ]);
    expect(fresh.every((b) => b.bidPrice.length === 1 && b.askSize.length === 1)).toBe(true);
    expect(() =>
      readLobsterOrderbook([], { levels: 1, reuseSnapshot: 'yes' as unknown as boolean }),
    ).toThrow(/reuseSnapshot/);
  });
});

// shared material sits beside the repository (../shared); X_SHARED points elsewhere
const shared = join(
  process.env.X_SHARED ?? join(import.meta.dirname, '..', '..', '..', '..', 'shared'),
  'data',
  'real',
);
const sample = join(shared, 'yilezheng-orderbook-hls');
const messages = join(sample, 'AAPL_2012-06-21_34200000_57600000_message_10.csv');
const orderbook = join(sample, 'AAPL_2012-06-21_34200000_57600000_orderbook_10.csv');
const haveSample = existsSync(messages) && existsSync(orderbook);
if (!haveSample) {
  console.warn(`[skip] the real LOBSTER sample is not at ${sample}: real-data tests skipped`);
}

describe.skipIf(!haveSample)('the real LOBSTER sample (AAPL 2012-06-21, level 10)', () => {
  it('reads all 999 aligned rows into valid books on the 0.01 tick', async () => {
    const rows: { ts: number; type: number; book: L2Snapshot }[] = [];
    for await (const r of readLobster({ messages, orderbook, levels: 10 }, { tickSize: '0.01' })) {
      validateL2Snapshot(r.book);
      rows.push({ ts: r.message.ts, type: r.message.type, book: r.book });
    }
    expect(rows.length).toBe(999);
    expect(rows[0]!.ts).toBeCloseTo(34_200_004.241176, 6);
    expect(rows[0]!.book.bidPrice[0]).toBe(585.33);
    expect(rows[0]!.book.askPrice[0]).toBe(585.94);
    expect(rows[998]!.ts).toBeCloseTo(34_249_086, -1);
    const types = new Set(rows.map((r) => r.type));
    expect([...types].sort()).toEqual([1, 3, 4, 5]);
  });
});
