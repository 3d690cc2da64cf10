import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { pruneSignInCounters } from '../auth/sign-in-limit.ts';
import { startWebhookDelivery } from '../commands/deliver-webhooks.ts';
import { escalateDue } from '../commands/escalate-due.ts';
import { drainNotifications } from '../commands/project-notifications.ts';
import { drainIsolation } from '../commands/refresh-isolation.ts';
import { type MailSetup, sendDueDigests, sendDueMail } from '../commands/send-notification-mail.ts';
import type { Deps } from '../deps.ts';

/**
 * One unit of time-driven work (escalations, silence, webhook retries). Due work lives in the
 * database, so a task only has to find what is due at `deps.clock.now()` and do it once.
 */
export type SchedulerTask = { name: string; run(deps: Deps): Promise<unknown> };

/** Runs every task each interval, one tick at a time; tests call the tasks directly instead. */
export const schedulerPlugin = fp(
  async (
    app: FastifyInstance,
    { deps, tasks, intervalMs = 1000 }: { deps: Deps; tasks: SchedulerTask[]; intervalMs?: number },
  ) => {
    let running = false;
    let stopped = false;
    const tick = async () => {
      if (running || stopped) return;
      running = true;
      try {
        for (const task of tasks) {
          try {
            await task.run(deps);
          } catch (err) {
            app.log.error({ err, task: task.name }, 'scheduler task failed');
          }
        }
      } finally {
        running = false;
      }
    };
    const timer = setInterval(() => void tick(), intervalMs);
    timer.unref();
    app.addHook('onReady', async () => void tick());
    app.addHook('onClose', async () => {
      stopped = true;
      clearInterval(timer);
    });
  },
  { name: 'scheduler' },
);

/** The tasks production runs; each feature adds its own here. */
export const SCHEDULER_TASKS: SchedulerTask[] = [];
SCHEDULER_TASKS.push(
  { name: 'escalate-due', run: (deps) => escalateDue(deps) },
  { name: 'deliver-webhooks', run: (deps) => startWebhookDelivery(deps) },
);

/** Isolation: project new events, then recompute people whose signals change with time alone. */
SCHEDULER_TASKS.push({ name: 'isolation', run: (deps) => drainIsolation(deps, 20) });

/** Sign-in counters whose window is over: a spray of made-up emails must not grow the table forever. */
let prunedAt = 0;
SCHEDULER_TASKS.push({
  name: 'prune-sign-in-counters',
  run: async (deps) => {
    const now = deps.clock.now();
    if (now.getTime() - prunedAt < 60_000) return;
    prunedAt = now.getTime();
    await pruneSignInCounters(deps.db, now);
  },
});

const mailing = new WeakMap<object, Promise<unknown>>();

/**
 * Notifications: project new events into inboxes (a few turns per tick, so a backlog never holds
 * the tick), then send due e-mail in the background, one sender per database handle, so a slow
 * or absent SMTP server never delays the other tasks. Without `mail` only the inbox fills.
 */
export function notificationTasks(mail: MailSetup | null): SchedulerTask[] {
  const tasks: SchedulerTask[] = [
    { name: 'notifications', run: (deps) => drainNotifications(deps, { email: mail !== null }, 5) },
  ];
  if (mail) {
    tasks.push({
      name: 'notification-mail',
      run: (deps) => {
        if (!mailing.has(deps.db)) {
          const run = sendDueMail(deps, mail)
            .then(() => sendDueDigests(deps, mail))
            .catch(() => 0)
            .finally(() => mailing.delete(deps.db));
          mailing.set(deps.db, run);
        }
        return Promise.resolve();
      },
    });
  }
  return tasks;
}
