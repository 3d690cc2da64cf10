import type postgres from 'postgres';

/**
 * Bulk data for the isolation benchmark, written with generate_series in a handful of statements.
 * Ids are md5-derived from ordinals (person n = bench_id('p'||n)), so no statement joins to find them.
 * Foreign-key triggers are off during the load (session_replication_role = replica): the
 * generated rows are consistent by construction and 20M per-row checks would dominate the time.
 */
export interface Scale {
  bombs: number;
  people: number;
  events: number;
}

const CATEGORIES = `array['shipping','manual','stock','expectation','quality','other']::category[]`;
const PREFIXES = `array['SHIP','MAN','STK','EXP','QUAL','OTH']`;
const ROOT = `array['manual_unclear','shipping_operations','expectation_mismatch','production_capacity','product_defect','customer_side','other']::root_cause[]`;
const SLUGS = ['logistics', 'documentation', 'production', 'customer-success', 'product-office'];

export async function generate(sql: postgres.Sql, scale: Scale, log: (s: string) => void): Promise<void> {
  const { bombs: B, people: P, events: E } = scale;
  const nField = Math.floor(P * 0.7);
  const nMember = Math.floor(P * 0.2);
  const nLead = Math.floor(P * 0.07);
  const step = async (label: string, q: string) => {
    const t = performance.now();
    await sql.unsafe(q);
    log(`  ${label}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  };
  // md5 of an ordinal, stamped as a version-4 UUID so responses validate.
  await sql.unsafe(
    `create function bench_id(text) returns uuid language sql immutable as
     $$ select overlay(overlay(md5($1) placing '4' from 13) placing '8' from 17)::uuid $$`,
  );
  await sql.unsafe(`set session_replication_role = replica`);
  await step(
    'departments',
    `insert into departments (id, name, slug, created_at)
     select bench_id('d'||k), s, s, now() - interval '400 days'
     from unnest(array[${SLUGS.map((s) => `'${s}'`).join(',')}]) with ordinality as t(s, k)`,
  );
  await step(
    `people (${P})`,
    `insert into people (id, name, email, role, locale, created_at)
     select bench_id('p'||n), 'Person '||n, 'p'||n||'@bench.test',
       (case when n <= ${nField} then 'field' when n <= ${nField + nMember} then 'member'
             when n <= ${nField + nMember + nLead} then 'lead' when n < ${P} then 'pm' else 'admin' end)::role,
       (case when n % 3 = 0 then 'en' else 'ja' end)::locale, now() - interval '400 days'
     from generate_series(1, ${P}) n`,
  );
  await step(
    'department members',
    `insert into department_members (department_id, person_id, is_lead)
     select bench_id('d'||((n % 5) + 1)), bench_id('p'||n), n > ${nField + nMember}
     from generate_series(${nField + 1}, ${nField + nMember + nLead}) n`,
  );
  await step(
    'products',
    `insert into products (id, name, slug, stage, created_at)
     select bench_id('pr'||k), 'Product '||k, 'product-'||k, 'pilot', now() - interval '400 days'
     from generate_series(1, 20) k`,
  );
  // Bombs spread evenly over the last year, newest last. Young bombs (14 days) are mostly still
  // carried; old ones mostly closed, with a few stragglers: ~9% of all bombs are carried.
  await step(
    `bombs (${B})`,
    `insert into bombs (id, number, key, title, description, category, severity, status, product_id,
        filed_by_id, department_id, assignee_id, bounces, disputed, root_cause, claim_due_at,
        claimed_at, resolved_at, closed_at, created_at, updated_at)
     select bench_id('b'||n), n, (${PREFIXES})[1 + n % 6]||'-'||n, 'Bench bomb '||n, '',
       (${CATEGORIES})[1 + n % 6],
       (case when n % 10 < 2 then 'low' when n % 10 < 8 then 'normal' when n % 10 = 8 then 'high' else 'critical' end)::severity,
       st, bench_id('pr'||(1 + n % 20)),
       bench_id('p'||(1 + (n::bigint * 7919) % ${nField})),
       bench_id('d'||(1 + n % 5)),
       case when st <> 'open' then bench_id('p'||(${nField + 1} + (n::bigint * 31) % ${nMember + nLead})) end,
       case when r % 17 = 0 then 1 + r % 3 else 0 end, r % 97 = 0,
       case when st in ('resolved','closed') then (${ROOT})[1 + n % 7] end,
       created + interval '1 day',
       case when st <> 'open' then created + interval '2 hours' end,
       case when st in ('resolved','closed') then least(now(), created + interval '3 days') end,
       case when st = 'closed' then least(now(), created + interval '4 days') end,
       created, created
     from (
       select n, r, created,
         (case when young then (case when r < 20 then 'open' when r < 50 then 'claimed' when r < 60 then 'waiting' when r < 75 then 'resolved' else 'closed' end)
               else (case when r < 1 then 'open' when r < 3 then 'claimed' when r < 4 then 'waiting' when r < 6 then 'resolved' else 'closed' end) end)::status as st
       from (
         select n, (n::bigint * 2654435761) % 100 as r,
           now() - (${B} - n) * (interval '365 days' / ${B}) as created,
           (${B} - n) * (365.0 / ${B}) < 14 as young
         from generate_series(1, ${B}) n
       ) a
     ) b`,
  );
  await sql.unsafe(`select setval('bomb_number_seq', ${B})`);
  // Events: E / B per bomb, the first filed by the filer, then routed, claimed, and comments by
  // the filer, the assignee or a passer-by. Payloads are small (the GET path never reads events).
  // Secondary indexes are built once after the load instead of row by row (same definitions).
  await sql.unsafe(`drop index events_bomb; drop index events_person; drop index events_actor_at`);
  await step(
    `events (${E})`,
    `insert into events (seq, type, bomb_id, actor_id, at, data)
     select i, (case when j = 0 then 'bomb.filed' when j = 1 then 'bomb.routed'
                     when j = 2 and b.assignee_id is not null then 'bomb.claimed' else 'bomb.commented' end),
       b.id,
       (case when j = 0 then b.filed_by_id when j = 1 then null
             when b.assignee_id is null or j % 3 = 0 then b.filed_by_id
             when j % 3 = 1 then b.assignee_id
             else bench_id('p'||(1 + (i::bigint * 13) % ${P})) end),
       least(now(), b.created_at + j * interval '1 hour'), '{}'::jsonb
     from (select i, (i - 1) % ${B} + 1 as n, (i - 1) / ${B} as j from generate_series(1, ${E}) i) s
     join bombs b on b.number = s.n`,
  );
  await sql.unsafe(`select setval(pg_get_serial_sequence('events', 'seq'), ${E})`);
  await sql.unsafe(`set maintenance_work_mem = '512MB'`);
  await step(
    'events indexes',
    `create index events_bomb on events (bomb_id, seq);
     create index events_person on events (person_id, seq);
     create index events_actor_at on events (actor_id, at)`,
  );
  await step(
    'bomb_actors (projection of the log)',
    `insert into bomb_actors (bomb_id, actor_id, last_at)
     select bomb_id, actor_id, max(at) from events where bomb_id is not null and actor_id is not null group by 1, 2`,
  );
  await step(
    'bomb_carriers',
    `insert into bomb_carriers (bomb_id, assignee_id) select id, assignee_id from bombs where status <> 'closed'`,
  );
  await step(
    'history (30 days per person)',
    `insert into person_daily_load (person_id, day, load, solo_carry_seconds, state)
     select bench_id('p'||n), (current_date - d), (n % 13) * 0.5, (n % 7) * 86400, 'ok'
     from generate_series(1, ${P}) n, generate_series(1, 30) d`,
  );
  await sql.unsafe(`insert into projector_cursors (name, last_seq, updated_at) values ('isolation', ${E}, now())`);
  await sql.unsafe(`set session_replication_role = origin`);
  await step('analyze', 'analyze');
}
