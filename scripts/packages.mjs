// Lists the publishable packages of the workspace: every packages/<folder> with a package.json.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;

/** @returns {{ dir: string, name: string, version: string }[]} */
export function workspacePackages() {
  const base = join(root, 'packages');
  return readdirSync(base)
    .filter((d) => existsSync(join(base, d, 'package.json')))
    .sort()
    .map((d) => {
      const pkg = JSON.parse(readFileSync(join(base, d, 'package.json'), 'utf8'));
      return { dir: join(base, d), name: pkg.name, version: pkg.version };
    });
}
