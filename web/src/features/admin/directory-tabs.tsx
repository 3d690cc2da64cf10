import { LOCALES, type Person, PRODUCT_STAGES, ROLES, type Role } from '@defuse/shared';
import type { FormEvent } from 'react';
import { useSave, useSaveAt } from '../../api/admin.ts';
import { useDepartments, useNames, usePeople, useProducts } from '../../api/directory.ts';
import { directoryKeys } from '../../api/keys.ts';
import { ErrorNote, Loading, NamedOptions, SaveNote, Table } from '../../app/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

const field = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

export function PeopleTab() {
  const { t } = useI18n();
  const people = usePeople();
  const departments = useDepartments().data ?? [];
  const create = useSave<unknown>('/api/people', 'POST', directoryKeys.people);
  const update = useSaveAt<Partial<Person>>('PATCH', directoryKeys.people);
  const handleCreate = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const target = e.currentTarget;
    create.mutate(
      {
        name: field(form, 'name'),
        email: field(form, 'email'),
        role: field(form, 'role') as Role,
        password: String(form.get('password') ?? ''),
        departmentIds: form.getAll('departmentIds').map(String),
        locale: field(form, 'locale'),
      },
      { onSuccess: () => target.reset() },
    );
  };
  if (people.isPending) return <Loading />;
  if (people.error) return <ErrorNote error={people.error} />;
  return (
    <>
      <Table
        headers={[t('common.name'), t('common.email'), t('common.role'), t('common.departments'), t('admin.disabled')]}
      >
        {people.data.map((p) => (
          <tr key={p.id}>
            <td>{p.name}</td>
            <td>{p.email}</td>
            <td>
              <select
                aria-label={`${t('common.role')}: ${p.name}`}
                value={p.role}
                onChange={(e) => update.mutate({ path: `/api/people/${p.id}`, body: { role: e.target.value as Role } })}
              >
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`role.${r}`)}
                  </option>
                ))}
              </select>
            </td>
            <td>{p.departmentIds.map((id) => departments.find((d) => d.id === id)?.name ?? '').join('、')}</td>
            <td>
              <input
                type="checkbox"
                aria-label={`${t('admin.disabled')}: ${p.name}`}
                checked={p.disabled}
                onChange={(e) => update.mutate({ path: `/api/people/${p.id}`, body: { disabled: e.target.checked } })}
              />
            </td>
          </tr>
        ))}
      </Table>
      <SaveNote error={update.error} />
      <form className="stack compact" onSubmit={handleCreate}>
        <h2>{t('common.add')}</h2>
        <label className="field">
          <span>{t('common.name')}</span>
          <input name="name" required maxLength={120} />
        </label>
        <label className="field">
          <span>{t('common.email')}</span>
          <input name="email" type="email" required />
        </label>
        <label className="field">
          <span>{t('common.role')}</span>
          <select name="role" defaultValue="field">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('common.departments')}</span>
          <select name="departmentIds" multiple size={Math.min(6, Math.max(2, departments.length))}>
            <NamedOptions items={departments} />
          </select>
        </label>
        <label className="field">
          <span>{t('lang.label')}</span>
          <select name="locale" defaultValue="ja">
            {LOCALES.map((l) => (
              <option key={l} value={l}>
                {l === 'ja' ? '日本語' : 'English'}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('admin.password')}</span>
          <input name="password" type="password" minLength={8} required autoComplete="new-password" />
        </label>
        <button type="submit" className="primary" disabled={create.isPending}>
          {t('common.add')}
        </button>
        <SaveNote error={create.error} success={create.isSuccess} />
      </form>
    </>
  );
}

export function DepartmentsTab() {
  const { t } = useI18n();
  const departments = useDepartments();
  const names = useNames();
  const create = useSave<unknown>('/api/departments', 'POST', directoryKeys.departments);
  const handleCreate = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const target = e.currentTarget;
    create.mutate({ name: field(form, 'name'), slug: field(form, 'slug') }, { onSuccess: () => target.reset() });
  };
  if (departments.isPending) return <Loading />;
  if (departments.error) return <ErrorNote error={departments.error} />;
  return (
    <>
      <Table headers={[t('common.name'), t('admin.slug'), t('admin.leads'), t('admin.members')]}>
        {departments.data.map((d) => (
          <tr key={d.id}>
            <td>{d.name}</td>
            <td>{d.slug}</td>
            <td>{d.leadIds.map((id) => names.people.get(id) ?? '').join('、')}</td>
            <td>{d.memberIds.map((id) => names.people.get(id) ?? '').join('、')}</td>
          </tr>
        ))}
      </Table>
      <form className="row-form" onSubmit={handleCreate}>
        <label className="field">
          <span>{t('common.name')}</span>
          <input name="name" required maxLength={120} />
        </label>
        <label className="field">
          <span>{t('admin.slug')}</span>
          <input name="slug" required pattern="[a-z0-9][a-z0-9\-]*" maxLength={40} />
        </label>
        <button type="submit" className="primary">
          {t('common.add')}
        </button>
      </form>
      <SaveNote error={create.error} success={create.isSuccess} />
    </>
  );
}

export function ProductsTab() {
  const { t } = useI18n();
  const products = useProducts();
  const people = usePeople().data ?? [];
  const pms = people.filter((p) => p.role === 'pm');
  const names = useNames();
  const create = useSave<unknown>('/api/products', 'POST', directoryKeys.products);
  const handleCreate = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const target = e.currentTarget;
    const pmId = field(form, 'pmId');
    create.mutate(
      { name: field(form, 'name'), slug: field(form, 'slug'), stage: field(form, 'stage'), pmId: pmId || null },
      { onSuccess: () => target.reset() },
    );
  };
  if (products.isPending) return <Loading />;
  if (products.error) return <ErrorNote error={products.error} />;
  return (
    <>
      <Table headers={[t('common.name'), t('admin.slug'), t('admin.stage'), t('admin.pm')]}>
        {products.data.map((p) => (
          <tr key={p.id}>
            <td>{p.name}</td>
            <td>{p.slug}</td>
            <td>{t(`admin.stage.${p.stage}`)}</td>
            <td>{p.pmId ? names.people.get(p.pmId) : ''}</td>
          </tr>
        ))}
      </Table>
      <form className="row-form" onSubmit={handleCreate}>
        <label className="field">
          <span>{t('common.name')}</span>
          <input name="name" required maxLength={120} />
        </label>
        <label className="field">
          <span>{t('admin.slug')}</span>
          <input name="slug" required pattern="[a-z0-9][a-z0-9\-]*" maxLength={40} />
        </label>
        <label className="field">
          <span>{t('admin.stage')}</span>
          <select name="stage" defaultValue="pilot">
            {PRODUCT_STAGES.map((s) => (
              <option key={s} value={s}>
                {t(`admin.stage.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('admin.pm')}</span>
          <select name="pmId" defaultValue="">
            <option value="">{t('common.none')}</option>
            <NamedOptions items={pms} />
          </select>
        </label>
        <button type="submit" className="primary">
          {t('common.add')}
        </button>
      </form>
      <SaveNote error={create.error} success={create.isSuccess} />
    </>
  );
}
