import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_CONFIG } from '../config.js';
import { type PipelineResult, runPipeline } from '../pipeline.js';
import { lobsterSample, realMicrostructure } from '../stages/real.js';
import type { ChartData } from '../stages/report-data.js';
import { simulate } from '../stages/simulate.js';

const CHROMIUM = '/usr/bin/chromium';
// locally the browser test skips (visibly) without Chromium; in CI it runs and fails without it
const runBrowser = existsSync(CHROMIUM) || process.env.CI !== undefined;
if (!runBrowser) console.warn(`demo report browser test skipped: ${CHROMIUM} not found`);

/** The few browser globals the page functions use (the repo's type-check has no DOM lib). */
interface PageCanvas {
  readonly width: number;
  readonly height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  } | null;
}
interface PageGlobals {
  readonly __charts?: { id: string; nonNull: number[] }[];
  readonly document: { querySelector(selector: string): PageCanvas | null };
}

let r: PipelineResult;
let html: string;
let charts: ChartData[];

beforeAll(async () => {
  r = await runPipeline(TEST_CONFIG, { output: 'silent' });
  html = readFileSync(r.reportPath, 'utf8');
  const m = /<script id="chart-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
  charts = JSON.parse(m?.[1] ?? '[]') as ChartData[];
}, 120_000);

describe('demo pipeline (shortened config)', () => {
  it('simulates both halves, the informed trader only in the second', () => {
    const s = r.session;
    expect(s.switchMs).toBeGreaterThanOrEqual(TEST_CONFIG.halfSeconds * 1000);
    expect(s.endMs).toBeGreaterThanOrEqual(2 * TEST_CONFIG.halfSeconds * 1000);
    const [calm, toxic] = r.features.halves;
    expect(calm.informedShare).toBe(0);
    expect(toxic.informedShare).toBeGreaterThan(0.05);
    expect(s.stats[0].informedOrders).toBe(0);
    expect(s.stats[1].informedOrders).toBeGreaterThan(0);
  });

  it('is reproducible from its seed', () => {
    const again = simulate(TEST_CONFIG, () => {});
    expect(again.events.length).toBe(r.session.events.length);
    expect(again.l2.rows).toBe(r.session.l2.rows);
    expect(again.trades.price).toEqual(r.session.trades.price);
    expect(again.switchMs).toBe(r.session.switchMs);
  });

  it('computes finite features and estimators', () => {
    const f = r.features;
    expect(f.windows).toBe(Math.floor(r.session.endMs / TEST_CONFIG.windowMs));
    expect(f.x.every(Number.isFinite)).toBe(true);
    expect(f.ofi.every(Number.isFinite)).toBe(true);
    expect(f.vpin.some(Number.isFinite)).toBe(true);
    for (const st of f.stats) expect(Number.isFinite(st.sd) && st.sd > 0).toBe(true);
    for (const h of f.halves) {
      expect(Number.isFinite(h.kyleLambda)).toBe(true);
      expect(Number.isFinite(h.hasbrouckImpactBp)).toBe(true);
    }
    expect(f.microConverged).toBe(true);
    expect(f.microAdjustments.every(Number.isFinite)).toBe(true);
  });

  it('scores every member per fold and on the held-out part, with the baselines', () => {
    const m = r.models;
    expect(m.names).toEqual(['attention-lstm', 'ols', 'ridge']);
    expect(m.foldR2).toHaveLength(3);
    for (const folds of m.foldR2) {
      expect(folds).toHaveLength(TEST_CONFIG.folds);
      expect(folds.every(Number.isFinite)).toBe(true);
    }
    expect(m.weights.every(Number.isFinite)).toBe(true);
    const names = m.holdout.map((h) => h.name);
    expect(names).toEqual(expect.arrayContaining(['ensemble', 'zero (no move)', 'persistence']));
    for (const h of m.holdout) expect(Number.isFinite(h.mse)).toBe(true);
    expect(m.holdout.find((h) => h.name === 'zero (no move)')?.r2VsZero).toBe(0);
    expect(m.prediction.length).toBe(m.outcome.length);
  });

  it('rolls the regressed challenger back to the ensemble', () => {
    const g = r.registry;
    expect(g.rollback).toBeDefined();
    expect(g.rollback?.from).toBe(g.challenger);
    expect(g.rollback?.to).toBe(g.production);
    expect(g.servingAfter).toBe(g.production);
    expect(g.intervals.slice(0, 2).every((i) => i.outcome === 'passed')).toBe(true);
    expect(g.intervals.some((i) => i.injected && i.outcome === 'failed')).toBe(true);
    expect(g.historyActions.some((a) => a.startsWith('canary-abort'))).toBe(true);
    expect(g.verified).toBe(true);
    expect(g.reloadIdentical).toBe(true);
  });

  it('trades brackets whose entries fill in pieces and whose exits follow', () => {
    const t = r.trading;
    expect(t.groups).toBeGreaterThan(0);
    const entries = t.fills.filter((f) => f.role === 'entry');
    const exits = t.fills.filter((f) => f.role === 'exit');
    expect(entries.length).toBeGreaterThan(t.groups / 2);
    expect(exits.length).toBeGreaterThan(0);
    expect(entries.every((f) => f.qty < 10)).toBe(true); // no entry filled in one piece
    expect(t.overfill).toBe(0);
    expect(t.exitLots).toBeLessThanOrEqual(t.entryLots);
    expect(Number.isFinite(t.finalPnl)).toBe(true);
    expect(t.equity.every(Number.isFinite)).toBe(true);
  });

  it('writes a report holding every chart with data in every series', () => {
    expect(/(src|href)="https?:/.test(html)).toBe(false); // nothing loaded from a network
    expect(charts.map((c) => c.id)).toEqual([
      'mid',
      'ofi',
      'vpin',
      'predictions',
      'equity',
      'rollback',
    ]);
    for (const c of charts) {
      expect(c.columns).toHaveLength(c.series.length + 1);
      for (const col of c.columns) expect(col.length).toBe(c.columns[0]!.length);
      for (const col of c.columns.slice(1)) expect(col.some((v) => v !== null)).toBe(true);
    }
    expect(html).toContain('uPlot');
  });
});

describe.skipIf(!runBrowser)('demo report in headless Chromium', () => {
  it('draws every chart with its series and logs no error', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      const requests: string[] = [];
      page.on('request', (q) => {
        if (!q.url().startsWith('file:')) requests.push(q.url());
      });
      await page.goto(`file://${r.reportPath}`);
      await page.waitForFunction(
        () => (globalThis as unknown as PageGlobals).__charts?.length === 6,
      );
      const shot = await page.screenshot({ path: `${r.config.outDir}/report.png`, fullPage: true });
      expect(shot.length).toBeGreaterThan(10_000);
      const drawn = await page.evaluate(
        (specs) => {
          const hex = (c: string) => [1, 3, 5].map((i) => Number.parseInt(c.slice(i, i + 2), 16));
          return specs.map((spec) => {
            const doc = (globalThis as unknown as PageGlobals).document;
            const canvas = doc.querySelector(`#chart-${spec.id} canvas`);
            if (canvas === null)
              return { id: spec.id, canvas: false, inked: 0, colors: [] as boolean[] };
            const px = canvas
              .getContext('2d')!
              .getImageData(0, 0, canvas.width, canvas.height).data;
            let inked = 0;
            const colors = spec.colors.map(() => false);
            const rgb = spec.colors.map(hex);
            for (let i = 0; i < px.length; i += 4) {
              if (px[i + 3]! === 0) continue;
              inked++;
              rgb.forEach((c, k) => {
                if (
                  !colors[k] &&
                  Math.abs(px[i]! - c[0]!) +
                    Math.abs(px[i + 1]! - c[1]!) +
                    Math.abs(px[i + 2]! - c[2]!) <
                    30
                )
                  colors[k] = true;
              });
            }
            return { id: spec.id, canvas: true, inked, colors };
          });
        },
        charts.map((c) => ({ id: c.id, colors: c.series.map((s) => s.color) })),
      );
      const listed = await page.evaluate(
        () => (globalThis as unknown as PageGlobals).__charts ?? [],
      );
      for (const d of drawn) {
        expect(d.canvas, d.id).toBe(true);
        expect(d.inked, d.id).toBeGreaterThan(1000);
        expect(d.colors.every(Boolean), `${d.id}: every series' colour is on the canvas`).toBe(
          true,
        );
      }
      for (const c of listed)
        expect(
          c.nonNull.every((n) => n > 0),
          c.id,
        ).toBe(true);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

const sample = lobsterSample(join(import.meta.dirname, '..', '..', '..'));
const haveSample = existsSync(sample.messages) && existsSync(sample.orderbook);
if (!haveSample) console.warn(`[skip] demo --real: no LOBSTER sample at ${sample.messages}`);

describe.skipIf(!haveSample)('pnpm demo --real (the LOBSTER sample)', () => {
  it('runs the microstructure features on all 999 real messages', async () => {
    const r = await realMicrostructure(sample);
    expect(r?.rows).toBe(999);
    expect(r?.executions).toBeGreaterThan(0);
    expect(r?.meanSpreadTicks).toBeGreaterThanOrEqual(1);
    expect(Number.isFinite(r?.ofiCorr)).toBe(true);
    expect(Number.isFinite(r?.kyleLambda)).toBe(true);
  });
});
