// The consumer type check of the smoke test: the published declarations, installed from the packed
// tarballs, must type-check in the TypeScript setups users have, with `strict` and
// `skipLibCheck: false`. Each setup compiles one small program per package (scripts/consumer/*.ts)
// that uses the package's money types and asserts with `@ts-expect-error` that misuse does not
// compile: a `Decimal` that silently became `any` fails here.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './packages.mjs';

/** The setups: ESM with NodeNext, CJS with Node16 and with NodeNext, ESM with Bundler. */
const consumerSetups = [
  { name: 'esm-nodenext', type: 'module', module: 'NodeNext', moduleResolution: 'NodeNext' },
  { name: 'cjs-node16', type: 'commonjs', module: 'Node16', moduleResolution: 'Node16' },
  { name: 'cjs-nodenext', type: 'commonjs', module: 'NodeNext', moduleResolution: 'NodeNext' },
  { name: 'esm-bundler', type: 'module', module: 'ESNext', moduleResolution: 'Bundler' },
];

const programs = join(root, 'scripts', 'consumer');

/** A program for a package without its own: every runtime export is reachable and typed. */
function genericProgram(name) {
  return `import * as pkg from '${name}';
import { assertNotAny } from './assert.js';
assertNotAny(pkg);
export const used = Object.keys(pkg).length;
`;
}

/**
 * Writes the setups as projects inside `app` (whose node_modules holds the installed tarballs) and
 * runs the workspace's `tsc` on each. Returns the failures as messages (empty when all pass).
 * @param {string} app the consumer project directory
 * @param {{ name: string, dir: string }[]} pkgs the installed packages
 * @param {string[]} [extraSources] more programs to compile in every setup, as [file, source] pairs
 */
export function typecheckConsumers(app, pkgs, extraSources = []) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const failures = [];
  for (const setup of consumerSetups) {
    const dir = join(app, setup.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: `types-${setup.name}`, private: true, type: setup.type }),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify(
        {
          compilerOptions: {
            target: 'ES2022',
            lib: ['ES2022'],
            module: setup.module,
            moduleResolution: setup.moduleResolution,
            strict: true,
            exactOptionalPropertyTypes: true,
            skipLibCheck: false,
            noEmit: true,
            types: [],
          },
          include: ['*.ts'],
        },
        null,
        2,
      ),
    );
    copyFileSync(join(programs, 'assert.ts'), join(dir, 'assert.ts'));
    const own = new Set(readdirSync(programs));
    for (const p of pkgs) {
      const file = `${p.name.replace('@x/', '')}.ts`;
      if (own.has(file)) copyFileSync(join(programs, file), join(dir, file));
      else writeFileSync(join(dir, file), genericProgram(p.name));
    }
    for (const [file, source] of extraSources) writeFileSync(join(dir, file), source);
    const r = spawnSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) failures.push(`${setup.name}:\n${r.stdout}${r.stderr}`);
    else
      console.log(`✓ types ${setup.name}: ${pkgs.length} package(s), strict, skipLibCheck false`);
  }
  return failures;
}
