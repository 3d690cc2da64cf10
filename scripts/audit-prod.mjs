// docs/security.md check 16: `pnpm audit --prod` must show no high or critical advisory. Exits 1 on one.
// When the registry's audit endpoint does not answer (some mirrors and proxies refuse it), that is
// said plainly and the step is not counted as passed or failed: see README, Security.
import { spawnSync } from 'node:child_process';

const run = spawnSync('pnpm', ['audit', '--prod', '--json'], { encoding: 'utf8', timeout: 120_000 });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  report = undefined;
}
const counts = report?.metadata?.vulnerabilities;
if (!counts) {
  const why = `${run.stdout}\n${run.stderr}`
    .split('\n')
    .map((l) => l.replace(/^[\s│×]+/, '').trim())
    .filter(Boolean)
    .slice(0, 3)
    .join(' ');
  console.log(`AUDIT NOT RUN: the audit endpoint gave no report (${why || `exit ${run.status}`}).`);
  process.exit(0);
}
const serious = (counts.high ?? 0) + (counts.critical ?? 0);
console.log(
  `pnpm audit --prod: ${counts.critical ?? 0} critical, ${counts.high ?? 0} high, ${counts.moderate ?? 0} moderate, ${counts.low ?? 0} low`,
);
for (const advisory of Object.values(report.advisories ?? {})) {
  if (advisory.severity === 'high' || advisory.severity === 'critical') {
    console.log(
      `  ${advisory.severity}: ${advisory.module_name} ${advisory.vulnerable_versions} — ${advisory.title} (${advisory.url})`,
    );
  }
}
process.exit(serious > 0 ? 1 : 0);
