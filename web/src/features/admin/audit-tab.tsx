import { AUDIT_CSV_PATH, useAudit } from '../../api/admin.ts';
import { useNames } from '../../api/directory.ts';
import { ErrorNote, Loading, Table } from '../../app/ui.tsx';
import { formatDateTime } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { describeAudit } from './describe-audit.ts';

/** Who changed what, when: every admin change, newest first, with the whole trail as CSV. */
export function AuditTab() {
  const { t, locale } = useI18n();
  const names = useNames();
  const audit = useAudit();
  if (audit.isPending) return <Loading />;
  if (audit.error) return <ErrorNote error={audit.error} />;
  return (
    <>
      <p>
        <a className="button" href={AUDIT_CSV_PATH} download>
          {t('admin.auditCsv')}
        </a>
      </p>
      {audit.data.length === 0 ? (
        <p className="muted">{t('admin.auditEmpty')}</p>
      ) : (
        <Table headers={[t('admin.auditWhen'), t('admin.auditWho'), t('admin.auditWhat')]}>
          {audit.data.map((event) => (
            <tr key={event.seq} data-type={event.type}>
              <td>{formatDateTime(event.at, locale)}</td>
              <td>{event.actorId ? (names.people.get(event.actorId) ?? t('common.unknownPerson')) : 'Defuse'}</td>
              <td className="break">{describeAudit(event, names, t)}</td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
