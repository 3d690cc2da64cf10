import { describe, expect, it } from 'vitest';
import { skippedLine } from '../helpers/skipped-databases-reporter.ts';

describe("the run's closing line on skipped tests", () => {
  it('names each file with skips, the total, and the command that runs them', () => {
    const files = [
      { file: 'tests/api/settled-seq.test.ts', skipped: 2 },
      { file: 'tests/api/bombs.test.ts', skipped: 0 },
      { file: 'tests/api/escalation.test.ts', skipped: 1 },
    ];
    expect(skippedLine(files, false)).toBe(
      'Skipped 3 PostgreSQL-only tests: tests/api/escalation.test.ts (1), tests/api/settled-seq.test.ts (2). Run them with: pnpm test:pg',
    );
    expect(skippedLine(files, true)).toBe(
      'Skipped 3 PGlite-only tests: tests/api/escalation.test.ts (1), tests/api/settled-seq.test.ts (2). Run them with: pnpm test',
    );
  });

  it('says nothing when nothing was skipped', () => {
    expect(skippedLine([{ file: 'tests/api/bombs.test.ts', skipped: 0 }], false)).toBeNull();
  });
});
