import type { Bulk } from './bulk.ts';

/**
 * The people of a bench workspace by ordinal: 1‥field are field contacts, then members, then
 * leads, then pms, and the last one the admin. Members and leads belong to department
 * (n % 5) + 1, in the order of DEPARTMENT_SLUGS.
 */
export interface Staff {
  people: number;
  field: number;
  member: number;
  lead: number;
}

export const DEPARTMENT_SLUGS = ['logistics', 'documentation', 'production', 'customer-success', 'product-office'];
export const PRODUCTS = 20;

export function staffOf(people: number): Staff {
  return {
    people,
    field: Math.floor(people * 0.7),
    member: Math.floor(people * 0.2),
    lead: Math.floor(people * 0.07),
  };
}

/** Department k (1-based, DEPARTMENT_SLUGS order) is bench_id('d'||k); its staff are the n with n % 5 = k - 1. */
export const departmentOf = (n: number) => (n % DEPARTMENT_SLUGS.length) + 1;

/** The ordinal of the first lead (or member) of department k. */
export function firstOf(staff: Staff, role: 'member' | 'lead', k: number): number {
  const start = staff.field + 1 + (role === 'lead' ? staff.member : 0);
  let n = start;
  while (departmentOf(n) !== k) n++;
  return n;
}

export async function seedWorkspace(bulk: Bulk, staff: Staff): Promise<void> {
  const { people: P, field, member, lead } = staff;
  await bulk.step(
    'departments',
    `insert into departments (id, name, slug, created_at)
     select bench_id('d'||k), s, s, now() - interval '3 years'
     from unnest(array[${DEPARTMENT_SLUGS.map((s) => `'${s}'`).join(',')}]) with ordinality as t(s, k)`,
  );
  await bulk.step(
    `people (${P})`,
    `insert into people (id, name, email, role, locale, created_at)
     select bench_id('p'||n), 'Person '||n, 'p'||n||'@bench.test',
       (case when n <= ${field} then 'field' when n <= ${field + member} then 'member'
             when n <= ${field + member + lead} then 'lead' when n < ${P} then 'pm' else 'admin' end)::role,
       (case when n % 3 = 0 then 'en' else 'ja' end)::locale, now() - interval '3 years'
     from generate_series(1, ${P}) n`,
  );
  await bulk.step(
    'department members',
    `insert into department_members (department_id, person_id, is_lead)
     select bench_id('d'||((n % 5) + 1)), bench_id('p'||n), n > ${field + member}
     from generate_series(${field + 1}, ${field + member + lead}) n`,
  );
  await bulk.step(
    'products',
    `insert into products (id, name, slug, stage, created_at)
     select bench_id('pr'||k), 'Product '||k, 'product-'||k, 'pilot', now() - interval '3 years'
     from generate_series(1, ${PRODUCTS}) k`,
  );
}
