import { routeBomb } from '@defuse/server/domain/routing';
import type { RoutingTable } from '@defuse/shared';
import { describe, expect, it } from 'vitest';

const P1 = '00000000-0000-4000-8000-000000000001';
const table: RoutingTable = {
  rules: [
    { when: { categories: ['quality'], minSeverity: 'critical' }, departmentId: 'safety' },
    { when: { productIds: [P1], categories: ['manual'] }, departmentId: 'kumo-docs', assigneeId: 'writer' },
    { when: { categories: ['manual'] }, departmentId: 'docs' },
    { when: { keywords: ['配送', 'Delivery'] }, departmentId: 'logistics' },
    { when: { categories: ['stock'] }, departmentId: 'empty' },
  ],
  fallbackDepartmentId: 'office',
};
const staffed = (id: string) => id !== 'empty';
const bomb = (o: Partial<Parameters<typeof routeBomb>[0]> = {}) => ({
  title: 'x',
  description: '',
  category: 'other' as const,
  severity: 'normal' as const,
  productId: null,
  ...o,
});

describe('routeBomb', () => {
  it.each([
    ['critical quality → safety', bomb({ category: 'quality', severity: 'critical' }), 'safety', 0],
    ['high quality misses minSeverity → fallback', bomb({ category: 'quality', severity: 'high' }), 'office', null],
    ['manual of product P1 → its own docs team', bomb({ category: 'manual', productId: P1 }), 'kumo-docs', 1],
    ['manual of another product → docs', bomb({ category: 'manual' }), 'docs', 2],
    ['Japanese keyword in the title', bomb({ title: '配送が三日遅れた' }), 'logistics', 3],
    ['keyword case-insensitive in the description', bomb({ description: 'late DELIVERY again' }), 'logistics', 3],
    ['nothing matches → fallback', bomb({ title: '請求書' }), 'office', null],
  ])('%s', (_name, input, departmentId, ruleIndex) => {
    const d = routeBomb(input, table, staffed);
    expect(d.departmentId).toBe(departmentId);
    expect(d.ruleIndex).toBe(ruleIndex);
  });

  it('first match wins even when a later rule also matches', () => {
    const d = routeBomb(bomb({ category: 'manual', title: '配送マニュアル' }), table, staffed);
    expect(d.departmentId).toBe('docs');
  });

  it('carries the named person of the matching rule', () => {
    expect(routeBomb(bomb({ category: 'manual', productId: P1 }), table, staffed).assigneeId).toBe('writer');
  });

  it('a department with nobody in it hands the bomb to the fallback and says so', () => {
    const d = routeBomb(bomb({ category: 'stock' }), table, staffed);
    expect(d).toMatchObject({
      departmentId: 'office',
      ruleIndex: 4,
      fallbackReason: 'department_empty',
      skippedDepartmentId: 'empty',
    });
  });
});

describe('routeBomb: what a rule leaves out matches anything', () => {
  const only = (when: RoutingTable['rules'][number]['when']): RoutingTable => ({
    rules: [{ when, departmentId: 'chosen' }],
    fallbackDepartmentId: 'office',
  });
  const everyone = () => true;
  it('empty lists of categories, products or keywords do not narrow the rule', () => {
    for (const when of [{ categories: [] }, { productIds: [] }, { keywords: [] }]) {
      expect(routeBomb(bomb(), only(when), everyone).departmentId).toBe('chosen');
    }
  });
  it('a rule for products does not take a bomb without one, nor one of another product', () => {
    expect(routeBomb(bomb(), only({ productIds: [P1] }), everyone).departmentId).toBe('office');
    expect(routeBomb(bomb({ productId: 'other' }), only({ productIds: [P1] }), everyone).departmentId).toBe('office');
    expect(routeBomb(bomb({ productId: P1 }), only({ productIds: [P1] }), everyone).departmentId).toBe('chosen');
  });
  it('says why the fallback took it', () => {
    expect(routeBomb(bomb(), only({ categories: ['stock'] }), everyone)).toEqual({
      departmentId: 'office',
      assigneeId: null,
      ruleIndex: null,
      fallbackReason: 'no_rule_matched',
      skippedDepartmentId: null,
    });
  });
});
