import type postgres from 'postgres';
import { seedBombs, seedEvents } from '../seed/bombs.ts';
import { openBulk, withIndexesDeferred } from '../seed/bulk.ts';
import { seedWorkspace, staffOf } from '../seed/workspace.ts';

/**
 * Bulk data for the isolation benchmark: the shared bench workspace, bombs over the last year and
 * their events (tests/bench/seed), then the isolation projector's tables as it would leave them.
 */
export interface Scale {
  bombs: number;
  people: number;
  events: number;
}

export async function generate(sql: postgres.Sql, scale: Scale, log: (s: string) => void): Promise<void> {
  const { people: P, events: E } = scale;
  const bulk = await openBulk(sql, log);
  const staff = staffOf(P);
  await seedWorkspace(bulk, staff);
  await withIndexesDeferred(bulk, ['bombs'], () => seedBombs(bulk, { bombs: scale.bombs, days: 365 }, staff));
  await withIndexesDeferred(bulk, ['events'], () => seedEvents(bulk, scale.bombs, E, P));
  await bulk.step(
    'bomb_actors (projection of the log)',
    `insert into bomb_actors (bomb_id, actor_id, last_at)
     select bomb_id, actor_id, max(at) from events where bomb_id is not null and actor_id is not null group by 1, 2`,
  );
  await bulk.step(
    'bomb_carriers',
    `insert into bomb_carriers (bomb_id, assignee_id) select id, assignee_id from bombs where status <> 'closed'`,
  );
  await bulk.step(
    'history (30 days per person)',
    `insert into person_daily_load (person_id, day, load, solo_carry_seconds, state)
     select bench_id('p'||n), (current_date - d), (n % 13) * 0.5, (n % 7) * 86400, 'ok'
     from generate_series(1, ${P}) n, generate_series(1, 30) d`,
  );
  await sql.unsafe(`insert into projector_cursors (name, last_seq, updated_at) values ('isolation', ${E}, now())`);
  await bulk.finish();
  await bulk.step('analyze', 'analyze');
}
