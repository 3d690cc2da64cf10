import { defineConfig } from 'vitest/config';

/**
 * The unit tests of the pure rules (server/src/domain, shared/src/bomb-actions.ts): what mutation
 * testing (`pnpm mutation`) runs against each mutant. No database, no browser code.
 */
export default defineConfig({
  test: {
    include: [
      'tests/unit/bomb-actions.test.ts',
      'tests/unit/domain-texts-and-deadlines.test.ts',
      'tests/unit/lifecycle.test.ts',
      'tests/unit/routing.test.ts',
      'tests/unit/escalation.test.ts',
      'tests/unit/isolation.test.ts',
      'tests/unit/isolation-history-csv.test.ts',
      'tests/unit/event-visibility.test.ts',
      'tests/unit/notify-recipients.test.ts',
      'tests/unit/notify-schedule.test.ts',
      'tests/unit/notification-text.test.ts',
    ],
    env: { TZ: 'UTC' },
  },
});
