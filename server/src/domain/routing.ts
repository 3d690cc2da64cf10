import { type Category, type RoutingTable, SEVERITIES, type Severity } from '@defuse/shared';

export interface RoutableBomb {
  title: string;
  description: string;
  category: Category;
  severity: Severity;
  productId: string | null;
}

export type RoutingDecision = {
  departmentId: string;
  assigneeId: string | null;
  /** Index of the matching rule; null when the fallback took it. */
  ruleIndex: number | null;
  /** Why the fallback took it, when it did. */
  fallbackReason: 'no_rule_matched' | 'department_empty' | null;
  /** The department a rule chose, when it had nobody and the fallback took over. */
  skippedDepartmentId: string | null;
};

/**
 * First matching rule wins; keywords match title or description case-insensitively (Japanese
 * included: no word boundaries are assumed). A rule that names a department with no members
 * falls through to the fallback so a bomb is never routed to nobody.
 *
 * @example
 * routeBomb({ title: '配送が遅れた', description: '', category: 'other', severity: 'normal', productId: null },
 *   { rules: [{ when: { keywords: ['配送'] }, departmentId: 'logistics' }], fallbackDepartmentId: 'office' },
 *   () => true)
 * // → { departmentId: 'logistics', ruleIndex: 0, fallbackReason: null, … }
 */
export function routeBomb(
  bomb: RoutableBomb,
  table: RoutingTable,
  hasMembers: (departmentId: string) => boolean,
): RoutingDecision {
  const text = `${bomb.title}\n${bomb.description}`.toLowerCase();
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  const index = table.rules.findIndex(({ when }) => {
    if (when.categories && when.categories.length > 0 && !when.categories.includes(bomb.category)) return false;
    if (when.productIds && when.productIds.length > 0 && (!bomb.productId || !when.productIds.includes(bomb.productId)))
      return false;
    if (when.minSeverity && rank(bomb.severity) < rank(when.minSeverity)) return false;
    if (when.keywords && when.keywords.length > 0 && !when.keywords.some((k) => text.includes(k.toLowerCase())))
      return false;
    return true;
  });
  const rule = index >= 0 ? table.rules[index] : undefined;
  if (!rule) {
    return {
      departmentId: table.fallbackDepartmentId,
      assigneeId: null,
      ruleIndex: null,
      fallbackReason: 'no_rule_matched',
      skippedDepartmentId: null,
    };
  }
  if (!hasMembers(rule.departmentId)) {
    return {
      departmentId: table.fallbackDepartmentId,
      assigneeId: null,
      ruleIndex: index,
      fallbackReason: 'department_empty',
      skippedDepartmentId: rule.departmentId,
    };
  }
  return {
    departmentId: rule.departmentId,
    assigneeId: rule.assigneeId ?? null,
    ruleIndex: index,
    fallbackReason: null,
    skippedDepartmentId: null,
  };
}
