import { relative } from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';

/**
 * Ends a run with one line naming the tests that were skipped because of the database the run used
 * (`describe.runIf(usingPostgres())` and the reverse), and the command that runs them, so that no
 * skip is silent. The suite has no other skips (no `.skip`, no `.todo`); a run narrowed by `-t`
 * skips for its own reason and gets no line.
 */
export default class SkippedDatabasesReporter implements Reporter {
  private root = process.cwd();
  private narrowed = false;

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root;
    this.narrowed = Boolean(vitest.config.testNamePattern);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    if (this.narrowed) return;
    const line = skippedLine(
      testModules.map((m) => ({
        file: relative(this.root, m.moduleId),
        skipped: [...m.children.allTests()].filter((t) => t.result().state === 'skipped').length,
      })),
      Boolean(process.env.TEST_DATABASE_URL),
    );
    if (line) process.stdout.write(`\n${line}\n`);
  }
}

/** The closing line for these per-file skip counts, or null when nothing was skipped. */
export function skippedLine(files: { file: string; skipped: number }[], onPostgres: boolean): string | null {
  const hit = files.filter((f) => f.skipped > 0).sort((a, b) => a.file.localeCompare(b.file));
  if (hit.length === 0) return null;
  const total = hit.reduce((n, f) => n + f.skipped, 0);
  const where = hit.map((f) => `${f.file} (${f.skipped})`).join(', ');
  return onPostgres
    ? `Skipped ${total} PGlite-only tests: ${where}. Run them with: pnpm test`
    : `Skipped ${total} PostgreSQL-only tests: ${where}. Run them with: pnpm test:pg`;
}
