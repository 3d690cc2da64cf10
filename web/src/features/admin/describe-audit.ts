import type { AdminEvent } from '@defuse/shared';
import type { Names } from '../../api/directory.ts';
import type { Translate } from '../../i18n/i18n.tsx';

/**
 * What an admin change did, in the board's language, narrowed on its type: a new admin.* type
 * does not compile until it has a line here.
 */
export function describeAudit(event: AdminEvent, names: Names, t: Translate): string {
  const name = (map: Map<string, string>, id: string) => map.get(id) ?? id.slice(0, 8);
  const fields = (changed: string[], password = false) =>
    [...changed, ...(password ? [t('audit.password')] : [])].join(', ') || '—';
  switch (event.type) {
    case 'admin.person_created':
      return t('audit.admin.person_created', { subject: event.data.after.name });
    case 'admin.person_updated':
      return t('audit.admin.person_updated', {
        subject: name(names.people, event.data.personId),
        changed: fields(event.data.changed, event.data.passwordChanged),
      });
    case 'admin.department_created':
      return t('audit.admin.department_created', { subject: event.data.after.name });
    case 'admin.department_updated':
      return t('audit.admin.department_updated', {
        subject: name(names.departments, event.data.departmentId),
        changed: fields(event.data.changed),
      });
    case 'admin.product_created':
      return t('audit.admin.product_created', { subject: event.data.after.name });
    case 'admin.product_updated':
      return t('audit.admin.product_updated', {
        subject: name(names.products, event.data.productId),
        changed: fields(event.data.changed),
      });
    case 'admin.policy_updated':
      return t('audit.admin.policy_updated', {
        subject: name(names.departments, event.data.departmentId),
        changed: fields(event.data.changed),
      });
    case 'admin.routing_updated':
    case 'admin.escalation_settings_updated':
    case 'admin.isolation_settings_updated':
      return t(`audit.${event.type}`, { changed: fields(event.data.changed) });
    case 'admin.token_revoked':
      return t('audit.admin.token_revoked', {
        subject: name(names.people, event.data.personId),
        name: event.data.name,
      });
    default:
      return event satisfies never;
  }
}
