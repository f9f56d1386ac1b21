// "A domain is a module": no line outside a domain's folder branches on a domain's name. The
// rule is checked over the source tree, so a per-domain switch cannot creep back unnoticed.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { DOMAINS } from '../../../contracts/index.ts';
import { registeredDomains } from './registry.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCANNED = ['processor/src', 'cli', 'store/src', 'config', 'contracts', 'stack', 'bench/src', 'ui/src'];
const DOMAIN_FOLDERS = [/^processor\/src\/domains\/[^/]+\//, /^ui\/src\/domains\/[^/]+\//];

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return /\.(ts|svelte)$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

export function domainBranches(text: string, names: readonly string[]): string[] {
  const n = names.join('|');
  const branch = new RegExp(`(===|!==)\\s*['"\`](${n})['"\`]|['"\`](${n})['"\`]\\s*(===|!==)|case\\s+['"\`](${n})['"\`]`);
  return text.split('\n').filter((line) => branch.test(line));
}

test('the check finds the shapes of a per-domain branch', () => {
  const names = ['sensor', 'trip'];
  assert.equal(domainBranches(`if (d === 'trip') x();`, names).length, 1);
  assert.equal(domainBranches(`  case "sensor":`, names).length, 1);
  assert.equal(domainBranches(`'sensor' !== a.domain`, names).length, 1);
  assert.equal(domainBranches(`const SENSOR = 'sensor';`, names).length, 0);
});

test('no source line outside processor/src/domains/<name>/ and ui/src/domains/<name>/ compares a domain name', () => {
  const names = [...new Set([...DOMAINS, ...registeredDomains()])];
  const found: string[] = [];
  for (const dir of SCANNED) {
    for (const file of sources(dir)) {
      const rel = relative(ROOT, join(ROOT, file)).split('\\').join('/');
      if (DOMAIN_FOLDERS.some((re) => re.test(rel))) continue;
      for (const line of domainBranches(readFileSync(join(ROOT, file), 'utf8'), names)) found.push(`${rel}: ${line.trim()}`);
    }
  }
  assert.deepEqual(found, [], `move these into the domain's module:\n${found.join('\n')}`);
});
