/**
 * The one runner behind the example tests: it finds the ```ts blocks of Markdown files (READMEs,
 * the guides in `docs/`) and under TSDoc `@example` tags, writes each to a scratch module and
 * imports it, so a stale example fails the suite. A block whose first line is `// not run` is
 * skipped (for fragments that need a user's own data or services).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** One example: its code and the 1-based line of the file it starts on. */
export interface ExampleBlock {
  readonly code: string;
  readonly line: number;
}

const NOT_RUN = '// not run';

/** The ```ts blocks of a Markdown text that are meant to run. */
export function markdownExamples(markdown: string): ExampleBlock[] {
  const out: ExampleBlock[] = [];
  const re = /^```ts[ \t]*\n([\s\S]*?)^```/gm;
  for (let m = re.exec(markdown); m !== null; m = re.exec(markdown)) {
    const code = m[1]!;
    if (code.trimStart().startsWith(NOT_RUN)) continue;
    out.push({ code, line: markdown.slice(0, m.index).split('\n').length + 1 });
  }
  return out;
}

/** The ```ts blocks under the `@example` tags of a TypeScript source that are meant to run. */
export function tsdocExamples(source: string): ExampleBlock[] {
  const out: ExampleBlock[] = [];
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
    if (code.trimStart().startsWith(NOT_RUN)) continue;
    const line = source.slice(0, c.index + at).split('\n').length + start;
    out.push({ code, line });
  }
  return out;
}

const escapeRe = (s: string) => s.replace(/[$]/g, '\\$');

/**
 * The import lines for the names `code` uses but neither imports nor declares, taken from
 * `modules` (module specifier and the names it exports), first module first.
 */
export function autoImports(code: string, modules: readonly [string, readonly string[]][]): string {
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

/**
 * Writes `code` (after an optional `header` of imports) to `<scratch>/<name>.ts` and imports it,
 * with `console.log` silenced so examples that print keep the test output clean. Resolves to the
 * module's namespace; rejects with whatever the example threw (a failed `node:assert` included).
 */
export async function runExample(
  scratch: string,
  name: string,
  code: string,
  header = '',
): Promise<object> {
  mkdirSync(scratch, { recursive: true });
  const path = join(scratch, `${name.replace(/[^\w.-]/g, '_')}.ts`);
  writeFileSync(path, `${header}\n${code}\nexport {};\n`);
  const original = console.log;
  console.log = () => {};
  try {
    return (await import(/* @vite-ignore */ pathToFileURL(path).href)) as object;
  } finally {
    console.log = original;
  }
}
