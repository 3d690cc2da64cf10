import { useState } from 'react';
import { navigate, useLocation } from '../../app/router.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { AuditTab } from './audit-tab.tsx';
import { DepartmentsTab, PeopleTab, ProductsTab } from './directory-tabs.tsx';
import { IsolationTab, PoliciesTab, WebhooksTab } from './policy-tabs.tsx';
import { RoutingTab } from './routing-tab.tsx';

const TABS = {
  people: { label: 'admin.people', Component: PeopleTab },
  departments: { label: 'admin.departments', Component: DepartmentsTab },
  products: { label: 'admin.products', Component: ProductsTab },
  routing: { label: 'admin.routing', Component: RoutingTab },
  policies: { label: 'admin.policies', Component: PoliciesTab },
  isolation: { label: 'admin.isolation', Component: IsolationTab },
  webhooks: { label: 'admin.webhooks', Component: WebhooksTab },
  audit: { label: 'admin.audit', Component: AuditTab },
} satisfies Record<string, { label: MessageKey; Component: () => React.ReactNode }>;
type Tab = keyof typeof TABS;

const isTab = (value: string | null): value is Tab => value !== null && value in TABS;

export default function AdminPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const requested = search.get('tab');
  const [tab, setTab] = useState<Tab>(isTab(requested) ? requested : 'people');
  const { Component } = TABS[tab];
  const select = (next: Tab) => {
    setTab(next);
    navigate(`/admin?tab=${next}`, { replace: true });
  };
  return (
    <section className="admin">
      <h1>{t('admin.title')}</h1>
      <div role="tablist" aria-label={t('admin.title')} className="tabs wrap">
        {(Object.keys(TABS) as Tab[]).map((key) => (
          <button key={key} type="button" role="tab" aria-selected={tab === key} onClick={() => select(key)}>
            {t(TABS[key].label)}
          </button>
        ))}
      </div>
      <div role="tabpanel" className="panel">
        <Component />
      </div>
    </section>
  );
}
