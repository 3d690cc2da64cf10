import { CATEGORIES, CATEGORY_KEY_PREFIX, type Category, ROOT_CAUSES } from '@defuse/shared';
import type { Bulk } from './bulk.ts';
import { DEPARTMENT_SLUGS, PRODUCTS, type Staff } from './workspace.ts';

/** Where the server's default routing sends each category (server/src/queries/settings.ts). */
const ROUTED_TO: Record<Category, string> = {
  shipping: 'logistics',
  manual: 'documentation',
  stock: 'production',
  expectation: 'customer-success',
  quality: 'production',
  other: 'product-office',
};

const list = (xs: readonly (string | number)[], type = '') =>
  `array[${xs.map((x) => (typeof x === 'number' ? String(x) : `'${x}'`)).join(',')}]${type}`;
const CATEGORY_OF = list(CATEGORIES, '::category[]');
const PREFIX_OF = list(CATEGORIES.map((c) => CATEGORY_KEY_PREFIX[c]));
const DEPARTMENT_OF = list(CATEGORIES.map((c) => DEPARTMENT_SLUGS.indexOf(ROUTED_TO[c]) + 1));
const ROOT = list(ROOT_CAUSES, '::root_cause[]');

export interface BombHistory {
  bombs: number;
  /** How far back the oldest bomb was filed; bombs are spread evenly from then to now. */
  days: number;
}

/**
 * Bombs n = 1‥bombs, oldest first, in the category n % 6 and the department its routing picks;
 * the assignee is a member or lead of that department. Young bombs (under 14 days) are mostly
 * still carried; old ones mostly closed, with a few stragglers (4 % still open, claimed or
 * waiting). Deadlines are what the server leaves: a claim deadline while open, a resolve deadline
 * while claimed or waiting, a pause while waiting.
 */
export async function seedBombs(bulk: Bulk, { bombs: B, days }: BombHistory, staff: Staff): Promise<void> {
  if (B === 0) return;
  const carriers = Math.floor((staff.member + staff.lead) / 5);
  await bulk.step(
    `bombs (${B} over ${days} days)`,
    `insert into bombs (id, number, key, title, description, category, severity, status, product_id,
        filed_by_id, department_id, assignee_id, bounces, disputed, root_cause, claim_due_at, resolve_due_at,
        paused_at, claimed_at, resolved_at, closed_at, created_at, updated_at)
     select bench_id('b'||n), n, (${PREFIX_OF})[1 + n % 6]||'-'||n, 'Bench bomb '||n, '',
       (${CATEGORY_OF})[1 + n % 6],
       (case when n % 10 < 2 then 'low' when n % 10 < 8 then 'normal' when n % 10 = 8 then 'high' else 'critical' end)::severity,
       st, bench_id('pr'||(1 + n % ${PRODUCTS})),
       bench_id('p'||(1 + (n::bigint * 7919) % ${staff.field})),
       bench_id('d'||d),
       case when st <> 'open' then bench_id('p'||(k0 + (d - 1 - k0 % 5 + 10) % 5)) end,
       case when r % 17 = 0 then 1 + r % 3 else 0 end, r % 97 = 0,
       case when st in ('resolved','closed') then (${ROOT})[1 + n % 7] end,
       case when st = 'open' then created + interval '1 day' end,
       case when st in ('claimed','waiting') then created + interval '2 hours' + interval '5 days' end,
       case when st = 'waiting' then least(now(), created + interval '1 day') end,
       case when st <> 'open' then created + interval '2 hours' end,
       case when st in ('resolved','closed') then least(now(), created + interval '3 days') end,
       case when st = 'closed' then least(now(), created + interval '4 days') end,
       created, created
     from (
       select n, r, created, (${DEPARTMENT_OF})[1 + n % 6] as d,
         ${staff.field + 1} + 5 * ((n::bigint * 31) % ${carriers}) as k0,
         (case when young then (case when r < 20 then 'open' when r < 50 then 'claimed' when r < 60 then 'waiting' when r < 75 then 'resolved' else 'closed' end)
               else (case when r < 1 then 'open' when r < 3 then 'claimed' when r < 4 then 'waiting' when r < 6 then 'resolved' else 'closed' end) end)::status as st
       from (
         select n, (hashint4(n)::bigint + 2147483648) % 100 as r,
           now() - (${B} - n) * (interval '1 day' * ${days} / ${B}) as created,
           (${B} - n) * (${days}.0 / ${B}) < 14 as young
         from generate_series(1, ${B}) n
       ) a
     ) b`,
  );
  await bulk.sql.unsafe(`select setval('bomb_number_seq', ${B})`);
}

/**
 * `events` events over bombs 1‥bombs, round-robin: each bomb's first is filed by its filer, then
 * routed, claimed, and comments by the filer, the assignee or a passer-by. Payloads are small:
 * no benchmarked path reads them.
 */
export async function seedEvents(bulk: Bulk, bombs: number, events: number, people: number): Promise<void> {
  if (bombs === 0 || events === 0) return;
  await bulk.step(
    `events (${events})`,
    `insert into events (seq, type, bomb_id, actor_id, at, data)
     select i, (case when j = 0 then 'bomb.filed' when j = 1 then 'bomb.routed'
                     when j = 2 and b.assignee_id is not null then 'bomb.claimed' else 'bomb.commented' end),
       b.id,
       (case when j = 0 then b.filed_by_id when j = 1 then null
             when b.assignee_id is null or j % 3 = 0 then b.filed_by_id
             when j % 3 = 1 then b.assignee_id
             else bench_id('p'||(1 + (i::bigint * 13) % ${people})) end),
       least(now(), b.created_at + j * interval '1 hour'), '{}'::jsonb
     from (select i, (i - 1) % ${bombs} + 1 as n, (i - 1) / ${bombs} as j from generate_series(1, ${events}) i) s
     join bombs b on b.number = s.n`,
  );
  await bulk.sql.unsafe(`select setval(pg_get_serial_sequence('events', 'seq'), ${events})`);
}
