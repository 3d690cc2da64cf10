// Prints the gzip size of what the first page load fetches (the entry script and the chunks it
// preloads) and of every lazily loaded chunk. Run after `pnpm build`: node web/scripts/bundle-report.mjs
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const initial = new Set(
  [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]).filter(Boolean),
);
const kb = (n) => (n / 1000).toFixed(1);
const rows = readdirSync(join(dist, 'assets'))
  .filter((f) => f.endsWith('.js') || f.endsWith('.css'))
  .map((f) => {
    const body = readFileSync(join(dist, 'assets', f));
    return { file: `assets/${f}`, raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
  })
  .sort((a, b) => b.gzip - a.gzip);

const firstJs = rows.filter((r) => initial.has(r.file) && r.file.endsWith('.js'));
const firstCss = rows.filter((r) => initial.has(r.file) && r.file.endsWith('.css'));
const sum = (list, key) => list.reduce((s, r) => s + r[key], 0);
console.log(`first load JS:  ${kb(sum(firstJs, 'gzip'))} kB gzip (${kb(sum(firstJs, 'raw'))} kB raw)`);
console.log(`first load CSS: ${kb(sum(firstCss, 'gzip'))} kB gzip`);
console.log('\n| chunk | loaded | raw kB | gzip kB |\n| --- | --- | ---: | ---: |');
for (const r of rows) {
  console.log(
    `| ${r.file.replace(/-[\w-]{8}\./, '.')} | ${initial.has(r.file) ? 'first load' : 'lazy'} | ${kb(r.raw)} | ${kb(r.gzip)} |`,
  );
}
