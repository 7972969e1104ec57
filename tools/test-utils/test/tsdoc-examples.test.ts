/**
 * TSDoc examples run as tests: every ```ts block under an `@example` tag in a package's public
 * sources (`packages/<pkg>/src`, not `src/internal`) is written to a scratch module and imported,
 * so an example in the API docs cannot go stale. An example may import what it uses; otherwise
 * the names it uses from its own package and from `@x/core` are imported for it, as a reader of
 * that page would. A block whose first line is `// not run` is skipped (for fragments that need a
 * user's own data or services).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const scratch = join(root, '.tmp', 'tsdoc-examples');

/** The example blocks of one source file, with the line each starts on. */
export function tsdocExamples(source: string): { code: string; line: number }[] {
  const out: { code: string; line: number }[] = [];
  const comment = /\/\*\*[\s\S]*?\*\//g;
  for (let c = comment.exec(source); c !== null; c = comment.exec(source)) {
    const text = c[0];
    const at = text.indexOf('@example');
    if (at < 0) continue;
    const lines = text
      .slice(at)
      .split('\n')
      .map((l) => l.replace(/^\s*\*(?: |$)/, '').replace(/\s*\*\/$/, ''));
    const start = lines.findIndex((l) => l.trim() === '```ts');
    if (start < 0) continue;
    const end = lines.indexOf('```', start + 1);
    const code = lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
    if (code.trimStart().startsWith('// not run')) continue;
    const line = source.slice(0, c.index + at).split('\n').length + start;
    out.push({ code, line });
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'internal') files.push(...sourceFiles(path));
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

const escapeRe = (s: string) => s.replace(/[$]/g, '\\$');

/** The import lines for the names `code` uses but neither imports nor declares. */
function autoImports(code: string, modules: [string, string[]][]): string {
  const taken = new Set<string>();
  for (const m of code.matchAll(/\b(?:const|let|var|function|class)\s+([A-Za-z_$][\w$]*)/g)) {
    taken.add(m[1]!);
  }
  for (const m of code.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}/g)) {
    for (const n of m[1]!.split(','))
      taken.add(
        n
          .trim()
          .split(/\s+as\s+/)
          .pop()!,
      );
  }
  const lines: string[] = [];
  for (const [spec, names] of modules) {
    const used = names.filter(
      (n) => !taken.has(n) && new RegExp(`(^|[^\\w$.])${escapeRe(n)}\\b`).test(code),
    );
    for (const n of used) taken.add(n);
    if (used.length > 0) lines.push(`import { ${used.join(', ')} } from '${spec}';`);
  }
  return lines.join('\n');
}

const packages = readdirSync(join(root, 'packages')).filter((p) => {
  try {
    return statSync(join(root, 'packages', p, 'src')).isDirectory();
  } catch {
    return false;
  }
});

mkdirSync(scratch, { recursive: true });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('TSDoc examples run', () => {
  for (const pkg of packages) {
    const name = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8'))
      .name as string;
    for (const file of sourceFiles(join(root, 'packages', pkg, 'src'))) {
      const rel = file.slice(root.length + 1);
      tsdocExamples(readFileSync(file, 'utf8')).forEach(({ code, line }, i) => {
        it(`${rel}:${line}`, async () => {
          const own = Object.keys(await import(/* @vite-ignore */ name));
          const core = name === '@x/core' ? [] : Object.keys(await import('@x/core'));
          const header = autoImports(code, [
            [name, own],
            ['@x/core', core],
          ]);
          const path = join(scratch, `${rel.replaceAll('/', '_')}-${i}.ts`);
          writeFileSync(path, `${header}\n${code}\nexport {};\n`);
          const original = console.log;
          console.log = () => {}; // examples may print; keep the test output clean
          try {
            await expect(import(/* @vite-ignore */ pathToFileURL(path).href)).resolves.toBeTypeOf(
              'object',
            );
          } finally {
            console.log = original;
          }
        });
      });
    }
  }
});
