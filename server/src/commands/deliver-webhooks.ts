import { departments, webhookDeliveries } from '@defuse/drizzle';
import { and, asc, eq, inArray, lte } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { addSeconds } from '../domain/deadlines.ts';
import { WEBHOOK_MAX_ATTEMPTS, webhookBackoffSeconds } from '../domain/escalation.ts';
import { signWebhook } from '../domain/webhook-signature.ts';
import { postPinned } from '../outbound/post-pinned.ts';
import { checkTarget, OutboundRefused, REFUSE_PRIVATE } from '../outbound/target-guard.ts';

/** How long a taken delivery is reserved for its sender before another instance may try it. */
const LEASE_SECONDS = 60;
const SEND_TIMEOUT_MS = 10_000;

type Delivery = typeof webhookDeliveries.$inferSelect;

/**
 * Sends due webhook deliveries. Rows are leased in a short transaction (FOR UPDATE SKIP LOCKED,
 * next attempt pushed past the lease) so no HTTP call happens inside a transaction and two
 * instances never send the same attempt; failures retry with backoff until the attempt cap.
 */
export async function deliverWebhooks(
  deps: Pick<Deps, 'db' | 'clock' | 'outbound'>,
  { batchSize = 20 }: { batchSize?: number } = {},
): Promise<number> {
  const now = deps.clock.now();
  const leased: Delivery[] = await deps.db.transaction(async (tx) => {
    const due = await tx
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, now)))
      .orderBy(asc(webhookDeliveries.nextAttemptAt))
      .limit(batchSize)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];
    return tx
      .update(webhookDeliveries)
      .set({ nextAttemptAt: addSeconds(now, LEASE_SECONDS) })
      .where(
        inArray(
          webhookDeliveries.id,
          due.map((d) => d.id),
        ),
      )
      .returning();
  });
  if (leased.length === 0) return 0;
  const secrets = new Map(
    (
      await deps.db
        .select({ id: departments.id, secret: departments.webhookSecret })
        .from(departments)
        .where(inArray(departments.id, [...new Set(leased.map((d) => d.departmentId))]))
    ).map((r) => [r.id, r.secret]),
  );
  await Promise.all(leased.map((d) => attempt(deps, d, secrets.get(d.departmentId) ?? null)));
  return leased.length;
}

/**
 * One send: the target is resolved and checked now (the URL was checked when saved, but a name
 * can resolve elsewhere since), then the body goes to that very address, signed with the
 * department's secret (a webhook set before secrets existed goes unsigned until its URL is set again).
 */
async function attempt(deps: Pick<Deps, 'db' | 'clock' | 'outbound'>, d: Delivery, secret: string | null) {
  let error: string | null = null;
  try {
    const target = await checkTarget(d.url, deps.outbound ?? REFUSE_PRIVATE);
    const body = JSON.stringify(d.payload);
    const signature = secret ? signWebhook(secret, Math.floor(deps.clock.now().getTime() / 1000), body) : {};
    const status = await postPinned(
      target,
      body,
      { 'content-type': 'application/json', 'user-agent': 'Defuse-Webhook', ...signature },
      SEND_TIMEOUT_MS,
    );
    if (status < 200 || status >= 300) error = `HTTP ${status}`;
  } catch (err) {
    const why = err instanceof OutboundRefused ? `refused: ${err.message}` : err instanceof Error ? err.message : '';
    error = why.slice(0, 500) || 'send failed';
  }
  const now = deps.clock.now();
  const attempts = d.attempts + 1;
  await deps.db
    .update(webhookDeliveries)
    .set(
      error === null
        ? { status: 'delivered', attempts, deliveredAt: now, lastError: null }
        : {
            status: attempts >= WEBHOOK_MAX_ATTEMPTS ? 'failed' : 'pending',
            attempts,
            lastError: error,
            nextAttemptAt: addSeconds(now, webhookBackoffSeconds(attempts)),
          },
    )
    .where(eq(webhookDeliveries.id, d.id));
}

const sending = new WeakMap<object, Promise<unknown>>();

/**
 * The scheduler's task: sends in the background so a slow receiver never holds up the
 * escalation tick (due within 2 s). One sender per database handle at a time; a failure
 * leaves its rows pending and the next tick tries again.
 */
export function startWebhookDelivery(deps: Pick<Deps, 'db' | 'clock' | 'outbound'>): Promise<void> {
  if (!sending.has(deps.db)) {
    const run = deliverWebhooks(deps)
      .catch(() => 0)
      .finally(() => sending.delete(deps.db));
    sending.set(deps.db, run);
  }
  return Promise.resolve();
}
