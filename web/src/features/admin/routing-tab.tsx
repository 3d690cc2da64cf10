import {
  CATEGORIES,
  type Category,
  type RoutingRule,
  type RoutingTable,
  SEVERITIES,
  type Severity,
} from '@defuse/shared';
import { useEffect, useState } from 'react';
import { useRouting, useSave } from '../../api/admin.ts';
import { useDepartments } from '../../api/directory.ts';
import { adminKeys } from '../../api/keys.ts';
import { ErrorNote, Loading, NamedOptions, SaveNote } from '../../app/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { moveItem } from './move-item.ts';

export function RoutingTab() {
  const { t } = useI18n();
  const routing = useRouting();
  const departments = useDepartments().data ?? [];
  const save = useSave<RoutingTable>('/api/routing', 'PUT', adminKeys.routing);
  const [draft, setDraft] = useState<RoutingTable | null>(null);
  useEffect(() => {
    if (routing.data) setDraft(routing.data);
  }, [routing.data]);
  if (routing.isPending) return <Loading />;
  if (routing.error) return <ErrorNote error={routing.error} />;
  if (!draft) return null;

  const setRules = (rules: RoutingRule[]) => setDraft({ ...draft, rules });
  const patchRule = (index: number, patch: Partial<RoutingRule['when']> | { departmentId: string }) =>
    setRules(
      draft.rules.map((rule, i) => {
        if (i !== index) return rule;
        if ('departmentId' in patch) return { ...rule, departmentId: patch.departmentId };
        const when = { ...rule.when, ...patch };
        for (const key of Object.keys(when) as (keyof typeof when)[]) {
          const value = when[key];
          if (value === undefined || (Array.isArray(value) && value.length === 0)) delete when[key];
        }
        return { ...rule, when };
      }),
    );
  const firstDepartment = departments[0]?.id ?? draft.fallbackDepartmentId;

  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(draft);
      }}
    >
      <ol className="rules">
        {draft.rules.map((rule, index) => {
          const n = index + 1;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rules have no id; their position is their identity
            <li key={index} className="rule panel">
              <div className="rule-head">
                <strong>{t('admin.rule', { n })}</strong>
                <button
                  type="button"
                  aria-label={`${t('admin.rule', { n })}: ${t('common.moveUp')}`}
                  disabled={index === 0}
                  onClick={() => setRules(moveItem(draft.rules, index, -1))}
                >
                  ↑ {t('common.moveUp')}
                </button>
                <button
                  type="button"
                  aria-label={`${t('admin.rule', { n })}: ${t('common.moveDown')}`}
                  disabled={index === draft.rules.length - 1}
                  onClick={() => setRules(moveItem(draft.rules, index, 1))}
                >
                  ↓ {t('common.moveDown')}
                </button>
                <button
                  type="button"
                  className="danger"
                  aria-label={`${t('admin.rule', { n })}: ${t('common.remove')}`}
                  onClick={() => setRules(draft.rules.filter((_, i) => i !== index))}
                >
                  {t('common.remove')}
                </button>
              </div>
              <fieldset className="inline-checks">
                <legend>{t('admin.ruleCategories')}</legend>
                {CATEGORIES.map((c) => (
                  <label key={c} className="check">
                    <input
                      type="checkbox"
                      checked={rule.when.categories?.includes(c) ?? false}
                      onChange={(e) => {
                        const current = new Set<Category>(rule.when.categories ?? []);
                        if (e.target.checked) current.add(c);
                        else current.delete(c);
                        patchRule(index, { categories: CATEGORIES.filter((x) => current.has(x)) });
                      }}
                    />
                    <span>{t(`category.${c}`)}</span>
                  </label>
                ))}
              </fieldset>
              <div className="row-form">
                <label className="field">
                  <span>{t('admin.ruleMinSeverity')}</span>
                  <select
                    value={rule.when.minSeverity ?? ''}
                    onChange={(e) =>
                      patchRule(index, { minSeverity: (e.target.value || undefined) as Severity | undefined })
                    }
                  >
                    <option value="">{t('admin.any')}</option>
                    {SEVERITIES.map((s) => (
                      <option key={s} value={s}>
                        {t(`severity.${s}`)}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="field">
                  <span>{t('admin.ruleKeywords')}</span>
                  <input
                    // Uncontrolled while typing; remounted when the rule at this position changes (reorder).
                    // biome-ignore lint/suspicious/noArrayIndexKey: the position is part of the identity here
                    key={`${index}:${rule.when.keywords?.join('|') ?? ''}`}
                    defaultValue={rule.when.keywords?.join(', ') ?? ''}
                    onBlur={(e) =>
                      patchRule(index, {
                        keywords: e.target.value
                          .split(/[,、]/)
                          .map((k) => k.trim())
                          .filter(Boolean),
                      })
                    }
                  />
                </label>
                <label className="field">
                  <span>{t('admin.ruleDepartment')}</span>
                  <select
                    value={rule.departmentId}
                    onChange={(e) => patchRule(index, { departmentId: e.target.value })}
                  >
                    <NamedOptions items={departments} />
                  </select>
                </label>
              </div>
            </li>
          );
        })}
      </ol>
      <button type="button" onClick={() => setRules([...draft.rules, { when: {}, departmentId: firstDepartment }])}>
        {t('admin.addRule')}
      </button>
      <label className="field">
        <span>{t('admin.fallback')}</span>
        <select
          value={draft.fallbackDepartmentId}
          onChange={(e) => setDraft({ ...draft, fallbackDepartmentId: e.target.value })}
        >
          <NamedOptions items={departments} />
        </select>
      </label>
      <button type="submit" className="primary" disabled={save.isPending}>
        {t('common.save')}
      </button>
      <SaveNote error={save.error} success={save.isSuccess} />
    </form>
  );
}
