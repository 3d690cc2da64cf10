import { type DefuseEvent, isAdminEvent } from '@defuse/shared';
import type { Names } from '../../api/directory.ts';
import type { Translate } from '../../i18n/i18n.tsx';
import { describeAudit } from '../admin/describe-audit.ts';

/**
 * One readable line per event, narrowed on its type. A new event type does not compile until it
 * has a line here (the `satisfies never` below).
 */
export function describeEvent(event: DefuseEvent, names: Names, t: Translate): string {
  const actor = event.actorId ? (names.people.get(event.actorId) ?? t('common.unknownPerson')) : 'Defuse';
  const department = (id: string) => names.departments.get(id) ?? '—';
  switch (event.type) {
    case 'bomb.filed':
    case 'bomb.claimed':
    case 'bomb.helper_joined':
    case 'bomb.helper_left':
      return t(`event.${event.type}`, { actor });
    case 'bomb.routed':
      return t('event.bomb.routed', { department: department(event.data.departmentId) });
    case 'bomb.declined':
    case 'bomb.rerouted':
      return t(`event.${event.type}`, {
        actor,
        department: department(event.data.toDepartmentId),
        reason: event.data.reason,
      });
    case 'bomb.commented':
      return t('event.bomb.commented', { actor, body: event.data.body });
    case 'bomb.status_changed':
      return t('event.bomb.status_changed', { actor, status: t(`status.${event.data.to}`) });
    case 'bomb.escalated':
      return t('event.bomb.escalated', {
        tier: event.data.tier,
        target: t(`target.${event.data.target}`),
        reason: t(`escalation.${event.data.reason}`),
      });
    case 'bomb.disputed':
    case 'bomb.clock_paused':
    case 'bomb.clock_resumed':
    case 'person.isolation_changed':
    case 'person.buddy_assigned':
      return t(`event.${event.type}`);
    default:
      if (isAdminEvent(event)) return t('event.admin', { actor, what: describeAudit(event, names, t) });
      return event satisfies never;
  }
}
