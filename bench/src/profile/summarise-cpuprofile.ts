// Usage: node --import tsx bench/src/profile/summarise-cpuprofile.ts FILE.cpuprofile [--json OUT] [--title T] [--top N]
// Prints where a processor's CPU time went, grouped into the pipeline's categories
// (cpuprofile-categories.ts), as Markdown: the same report for the "before" and "after" profiles.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { formatSummary, summariseProfile, type CpuProfile } from './summarise-profile.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { json: { type: 'string' }, title: { type: 'string' }, top: { type: 'string', default: '25' } } });
if (positionals.length !== 1) {
  process.stderr.write('usage: summarise-cpuprofile.ts FILE.cpuprofile [--json OUT] [--title T] [--top N]\n');
  process.exit(2);
}
const file = positionals[0]!;
const summary = summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(values.top));
process.stdout.write(formatSummary(summary, values.title ?? basename(file)));
if (values.json) writeFileSync(values.json, JSON.stringify(summary, null, 2));
