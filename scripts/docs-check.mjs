// Checks the built documentation site (`pnpm run docs` runs it after typedoc), in three parts:
// 1. the guides' examples type-check (their runtime is docs-examples.test.ts; both take the
//    blocks from the one runner, tools/test-utils/src/examples.ts, hence `--import tsx`);
// 2. the site, served on 127.0.0.1, has no broken internal link or anchor: every HTML file is
//    parsed, and every href/src that stays on the site must be served and, with a #fragment,
//    name an id or anchor of its target;
// 3. a sample of pages (every guide and every package's index) loads in headless Chromium with
//    no console error, page error or failed request, and shows non-empty content.
// Without Chromium (CHROMIUM=path overrides /usr/bin/chromium) the browser part is skipped with
// a message, unless CI is set: CI installs Chromium before `pnpm check`, so there it is required.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { basename, extname, join, relative, sep } from 'node:path';
import { Parser } from 'htmlparser2';
import { markdownExamples } from '../tools/test-utils/src/examples.ts';
import { root, workspacePackages } from './packages.mjs';

const site = join(root, 'docs', 'api');
const guidesDir = join(root, 'docs');
const failures = [];
const fail = (msg) => failures.push(msg);

// ---------------------------------------------------------------- 1. guide examples type-check

function typecheckGuides() {
  const dir = join(root, '.tmp', 'docs-typecheck');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  for (const guide of readdirSync(guidesDir).filter((f) => f.endsWith('.md'))) {
    for (const { code, line } of markdownExamples(readFileSync(join(guidesDir, guide), 'utf8'))) {
      writeFileSync(join(dir, `${basename(guide, '.md')}-L${line}.ts`), `${code}\nexport {};\n`);
      n++;
    }
  }
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../tsconfig.base.json',
      compilerOptions: { noEmit: true, declaration: false, sourceMap: false },
      include: ['*.ts'],
    }),
  );
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
  if (r.status !== 0) fail(`guide examples do not type-check:\n${r.stdout}${r.stderr}`);
  else console.log(`✓ ${n} guide examples type-check`);
}

// ---------------------------------------------------------------- the server

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** The file a URL path names inside the site, or null when it escapes it. */
function fileOf(pathname) {
  const path = join(site, decodeURIComponent(pathname));
  if (path !== site && !path.startsWith(site + sep)) return null;
  return pathname.endsWith('/') ? join(path, 'index.html') : path;
}

function serve() {
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (pathname === '/favicon.ico') {
      res.writeHead(204).end(); // the site has none; browsers ask anyway
      return;
    }
    const file = fileOf(pathname);
    if (file === null || !existsSync(file) || !file.includes('.')) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// ---------------------------------------------------------------- 2. links and anchors

function htmlFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...htmlFiles(p));
    else if (e.name.endsWith('.html')) out.push(p);
  }
  return out;
}

/** The ids and named anchors of a document, and its outgoing href/src references. */
function scan(text) {
  const ids = new Set();
  const refs = [];
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (attrs.id) ids.add(attrs.id);
        if (name === 'a' && attrs.name) ids.add(attrs.name);
        for (const key of ['href', 'src']) if (attrs[key] !== undefined) refs.push(attrs[key]);
      },
    },
    { decodeEntities: true },
  );
  parser.write(text);
  parser.end();
  return { ids, refs };
}

async function checkLinks(base) {
  const anchors = new Map(); // URL path → ids, for the fragments
  const served = new Map(); // URL path → HTTP status
  const idsOf = async (path) => {
    if (!anchors.has(path)) {
      const res = await fetch(new URL(path, base));
      served.set(path, res.status);
      anchors.set(path, res.ok ? scan(await res.text()).ids : new Set());
    }
    return anchors.get(path);
  };
  const status = async (path) => {
    if (!served.has(path)) served.set(path, (await fetch(new URL(path, base))).status);
    return served.get(path);
  };
  const pages = htmlFiles(site);
  let links = 0;
  for (const file of pages) {
    const pagePath = `/${relative(site, file).split(sep).join('/')}`;
    const { refs } = scan(readFileSync(file, 'utf8'));
    for (const ref of refs) {
      if (ref === '' || ref === '#' || /^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith('//')) {
        continue; // empty, top of page, or another site (http:, mailto:, data:)
      }
      const url = new URL(ref, new URL(pagePath, base));
      links++;
      const target = url.pathname;
      const fragment = decodeURIComponent(url.hash.slice(1));
      if (fragment !== '' && (target.endsWith('.html') || target.endsWith('.svg'))) {
        const ids = await idsOf(target);
        if (served.get(target) !== 200)
          fail(`${pagePath}: ${ref} is not served (${served.get(target)})`);
        else if (!ids.has(fragment)) fail(`${pagePath}: ${ref} names no anchor #${fragment}`);
      } else if ((await status(target)) !== 200) {
        fail(`${pagePath}: ${ref} is not served (${served.get(target)})`);
      }
    }
  }
  console.log(`✓ ${links} internal links and anchors on ${pages.length} pages checked`);
  return pages.length;
}

// ---------------------------------------------------------------- 3. pages in Chromium

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The guides and the package index pages, as URL paths. */
function samplePages() {
  const docs = join(site, 'documents');
  const guides = existsSync(docs)
    ? readdirSync(docs)
        .filter((f) => f.endsWith('.html'))
        .map((f) => `/documents/${f}`)
    : [];
  const expected = readdirSync(guidesDir).filter((f) => f.endsWith('.md')).length;
  if (guides.length !== expected) {
    fail(`the site has ${guides.length} guide pages for ${expected} guides in docs/`);
  }
  const modules = workspacePackages().map(
    ({ name }) => `/modules/${name.replace(/[^a-z0-9-]/gi, '_').toLowerCase()}.html`,
  );
  return ['/index.html', ...guides, ...modules];
}

async function checkInBrowser(base) {
  const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    if (process.env.CI) {
      fail(`Chromium not found at ${executablePath} (CI installs it before pnpm check)`);
    } else {
      console.log(`- skipped the browser check: no Chromium at ${executablePath} (set CHROMIUM)`);
    }
    return;
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const paths = samplePages();
    for (const path of paths) {
      const page = await browser.newPage();
      const errors = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
      page.on('response', (r) => {
        if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
      });
      const res = await page.goto(new URL(path, base).href, { waitUntil: 'load' });
      if (res?.status() !== 200) errors.push(`HTTP ${res?.status()}`);
      // typedoc's scripts fill the navigation after load; let them run
      await page.waitForLoadState('networkidle');
      const title = (await page.locator('.col-content h1').first().textContent())?.trim() ?? '';
      const content = page.locator('.col-content').first();
      const text = ((await content.textContent()) ?? '').trim();
      if (!(await content.isVisible())) errors.push('the content is not visible');
      if (title === '') errors.push('no page title');
      if (text.length < 200) errors.push(`almost no content (${text.length} characters)`);
      for (const e of errors) fail(`${path}: ${e}`);
      await page.close();
    }
    console.log(`✓ ${paths.length} pages load in Chromium with content and no console error`);
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------- main

const t0 = performance.now();
const lap = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

if (!existsSync(join(site, 'index.html'))) {
  console.error(`✗ no site at ${relative(root, site)}: run typedoc first (pnpm run docs)`);
  process.exit(1);
}
typecheckGuides();
const server = await serve();
const { port } = server.address();
const base = `http://127.0.0.1:${port}/`;
try {
  await checkLinks(base);
  console.log(`  (${lap()})`);
  await checkInBrowser(base);
  console.log(`  (${lap()})`);
} finally {
  server.close();
}
if (failures.length > 0) {
  console.error(`✗ docs check: ${failures.length} problem(s)`);
  for (const f of failures.slice(0, 50)) console.error(`  ${f}`);
  process.exit(1);
}
console.log('✓ docs check passed');
