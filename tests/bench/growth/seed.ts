import { DEFAULT_POLICY } from '@defuse/shared';
import type postgres from 'postgres';
import { seedBombs, seedEvents } from '../seed/bombs.ts';
import { openBulk, withIndexesDeferred } from '../seed/bulk.ts';
import { type Staff, seedWorkspace } from '../seed/workspace.ts';

export interface GrowthScale {
  bombs: number;
  /** Filings a day: the history is bombs ÷ perDay days long, so the recent weeks look alike at every size. */
  perDay: number;
  eventsPerBomb: number;
}

/**
 * A workspace as `bombs` filings leave it: the bombs and their events, and the rows the hot paths
 * read and write next to them — each bomb's ownership span, its escalation rows (claim deadline
 * tiers; resolve and idle tiers once claimed; fired, cancelled or pending as the deadlines fell),
 * its filing's idempotency key; a session per person and a policy per department.
 */
export async function seedGrowth(
  sql: postgres.Sql,
  scale: GrowthScale,
  staff: Staff,
  log: (s: string) => void,
): Promise<void> {
  const bulk = await openBulk(sql, log);
  await seedWorkspace(bulk, staff);
  await bulk.step(
    'policies',
    `insert into department_policies (department_id, policy, updated_at)
     select id, '${JSON.stringify(DEFAULT_POLICY)}'::jsonb, now() from departments`,
  );
  await bulk.step(
    'sessions',
    `insert into sessions (token_hash, person_id, created_at, last_seen_at, expires_at)
     select md5('session'||id), id, now() - interval '1 day', now() - interval '1 hour', now() + interval '29 days'
     from people`,
  );
  const B = scale.bombs;
  const tables = ['bombs', 'events', 'ownership_spans', 'escalation_jobs', 'idempotency_keys'];
  await withIndexesDeferred(bulk, tables, async () => {
    await seedBombs(bulk, { bombs: B, days: B / scale.perDay }, staff);
    await seedEvents(bulk, B, B * scale.eventsPerBomb, staff.people);
    if (B === 0) return;
    await bulk.step(
      'ownership spans',
      `insert into ownership_spans (bomb_id, department_id, category, routed_at, claimed_at, ended_at, end_reason)
       select id, department_id, category, created_at, claimed_at, resolved_at,
         case when resolved_at is not null then 'resolved' end
       from bombs`,
    );
    await bulk.step(
      'escalation rows',
      `insert into escalation_jobs (bomb_id, reason, deadline_at, tier, target, due_at, fired_at, cancelled_at)
       select b.id, j.reason, j.deadline, t.tier, t.target, j.deadline + t.after,
         case when j.deadline + t.after <= coalesce(j.ended, now()) then j.deadline + t.after end,
         case when j.deadline + t.after > coalesce(j.ended, now()) then j.ended end
       from bombs b
       cross join lateral (values
         ('claim_overdue', b.created_at + interval '1 day', b.claimed_at),
         ('resolve_overdue', b.claimed_at + interval '5 days', coalesce(b.resolved_at, b.paused_at)),
         ('claimed_idle', b.claimed_at + interval '1 day', coalesce(b.resolved_at, b.paused_at))
       ) j(reason, deadline, ended)
       cross join (values (1, 'lead', interval '0'), (2, 'pm', interval '4 hours'), (3, 'admin', interval '1 day'))
         t(tier, target, after)
       where j.deadline is not null`,
    );
    await bulk.step(
      'idempotency keys',
      `insert into idempotency_keys (person_id, key, request_hash, response_status, response_body, created_at)
       select filed_by_id, bench_id('k'||number)::text, md5(number::text), 201,
         jsonb_build_object('bomb', jsonb_build_object('id', id, 'key', key)), created_at
       from bombs`,
    );
  });
  await bulk.finish();
  // Hint bits and the visibility map as a long-lived database has them, and fresh statistics.
  await bulk.step('vacuum analyze', 'vacuum (analyze)');
}
