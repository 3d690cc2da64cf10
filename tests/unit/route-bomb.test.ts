import { routeBomb } from '@defuse/server/domain/routing';
import type { RoutingTable } from '@defuse/shared';
import { describe, expect, it } from 'vitest';

const table: RoutingTable = {
  rules: [
    { when: { categories: ['shipping'], minSeverity: 'high' }, departmentId: 'logistics-urgent' },
    { when: { categories: ['shipping'] }, departmentId: 'logistics' },
    { when: { productIds: ['kumo'], categories: ['manual'] }, departmentId: 'kumo-docs', assigneeId: 'writer' },
    { when: { keywords: ['配送', 'Courier'] }, departmentId: 'logistics' },
    { when: { categories: ['manual'] }, departmentId: 'documentation' },
    { when: { categories: ['quality'] }, departmentId: 'empty-dept' },
  ],
  fallbackDepartmentId: 'office',
};
const staffed = (id: string) => id !== 'empty-dept';
const bomb = (o: Partial<Parameters<typeof routeBomb>[0]> = {}) => ({
  title: 'x',
  description: '',
  category: 'other' as const,
  severity: 'normal' as const,
  productId: null,
  ...o,
});

describe('routeBomb', () => {
  it('takes the first matching rule', () => {
    expect(routeBomb(bomb({ category: 'shipping', severity: 'critical' }), table, staffed)).toMatchObject({
      departmentId: 'logistics-urgent',
      ruleIndex: 0,
    });
    expect(routeBomb(bomb({ category: 'shipping', severity: 'normal' }), table, staffed)).toMatchObject({
      departmentId: 'logistics',
      ruleIndex: 1,
    });
  });

  it('matches products and carries a named assignee', () => {
    expect(routeBomb(bomb({ category: 'manual', productId: 'kumo' }), table, staffed)).toMatchObject({
      departmentId: 'kumo-docs',
      assigneeId: 'writer',
      ruleIndex: 2,
    });
    expect(routeBomb(bomb({ category: 'manual', productId: 'hikari' }), table, staffed)).toMatchObject({
      departmentId: 'documentation',
      assigneeId: null,
      ruleIndex: 4,
    });
  });

  it('matches keywords in title or description, case-insensitively, Japanese included', () => {
    expect(routeBomb(bomb({ title: '配送が遅い' }), table, staffed).ruleIndex).toBe(3);
    expect(routeBomb(bomb({ description: 'the COURIER lost it' }), table, staffed).ruleIndex).toBe(3);
  });

  it('falls back when nothing matches, and says why', () => {
    expect(routeBomb(bomb(), table, staffed)).toEqual({
      departmentId: 'office',
      assigneeId: null,
      ruleIndex: null,
      fallbackReason: 'no_rule_matched',
      skippedDepartmentId: null,
    });
  });

  it('never routes to a department with nobody in it', () => {
    expect(routeBomb(bomb({ category: 'quality' }), table, staffed)).toMatchObject({
      departmentId: 'office',
      ruleIndex: 5,
      fallbackReason: 'department_empty',
      skippedDepartmentId: 'empty-dept',
    });
  });
});
