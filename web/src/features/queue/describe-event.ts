import type { Bomb, DefuseEvent } from '@defuse/shared';
import type { Names } from '../../api/directory.ts';
import type { Translate } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** One readable line per event; fields a newer server adds are ignored, missing ones left blank. */
export function describeEvent(event: DefuseEvent, names: Names, t: Translate): string {
  const data = event.data;
  const bomb = data.bomb as Partial<Bomb> | undefined;
  const actor = event.actorId ? (names.people.get(event.actorId) ?? t('common.unknownPerson')) : 'Defuse';
  const departmentId = str(data.toDepartmentId) || str(data.departmentId) || bomb?.departmentId || '';
  const status = str(data.to) || bomb?.status || '';
  const reason = str(data.reason);
  const vars = {
    actor,
    department: names.departments.get(departmentId) ?? '—',
    reason:
      event.type === 'bomb.escalated' && reason
        ? t(`escalation.${reason}` as MessageKey) || reason
        : reason || str(data.note),
    body: str(data.body),
    status: status ? t(`status.${status}` as MessageKey) : '',
    tier: str(data.tier),
    target: str(data.target) ? t(`target.${str(data.target)}` as MessageKey) : '',
  };
  return t(`event.${event.type}` as MessageKey, vars);
}
