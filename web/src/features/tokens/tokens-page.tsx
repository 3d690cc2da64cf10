import type { ApiToken, CreateToken } from '@defuse/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { tokenKeys } from '../../api/keys.ts';
import { ErrorNote, Loading, SaveNote, Table } from '../../app/ui.tsx';
import { formatDateTime } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/** The signed-in person's API tokens: what exists, when it was used, revoke, and a new one shown once. */
export default function TokensPage() {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const tokens = useQuery({
    queryKey: tokenKeys.mine,
    queryFn: () => api<{ items: ApiToken[] }>('/api/tokens').then((r) => r.items),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: tokenKeys.mine });
  // The secret lives only in this state: leaving the page forgets it, as the server already has.
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const create = useMutation({
    mutationFn: (body: CreateToken) => api<{ id: string; token: string }>('/api/tokens', { method: 'POST', body }),
    onSuccess: (res, body) => {
      setCreated({ name: body.name, token: res.token });
      void refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api(`/api/tokens/${id}`, { method: 'DELETE' }),
    onSuccess: () => void refresh(),
  });

  const handleCreate = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const days = String(form.get('expiresInDays') ?? '').trim();
    const target = e.currentTarget;
    create.mutate(
      { name: String(form.get('name') ?? '').trim(), ...(days !== '' && { expiresInDays: Number(days) }) },
      { onSuccess: () => target.reset() },
    );
  };
  const when = (iso: string | null, empty: string) => (iso ? formatDateTime(iso, locale) : empty);

  return (
    <section className="stack">
      <h1>{t('tokens.title')}</h1>
      <p className="muted">{t('tokens.intro')}</p>
      {tokens.isPending ? (
        <Loading />
      ) : tokens.error ? (
        <ErrorNote error={tokens.error} onRetry={() => void tokens.refetch()} />
      ) : tokens.data.length === 0 ? (
        <p>{t('tokens.empty')}</p>
      ) : (
        <Table
          headers={[
            t('common.name'),
            t('tokens.created'),
            t('tokens.lastUsed'),
            t('tokens.expires'),
            t('tokens.revoke'),
          ]}
        >
          {tokens.data.map((token) => (
            <tr key={token.id}>
              <td>{token.name}</td>
              <td>{when(token.createdAt, '')}</td>
              <td>{when(token.lastUsedAt, t('tokens.notUsed'))}</td>
              <td>{when(token.expiresAt, t('tokens.never'))}</td>
              <td>
                <button
                  type="button"
                  className="ghost"
                  aria-label={t('tokens.revokeLabel', { name: token.name })}
                  disabled={revoke.isPending}
                  onClick={() => {
                    if (window.confirm(t('tokens.revokeConfirm', { name: token.name }))) revoke.mutate(token.id);
                  }}
                >
                  {t('tokens.revoke')}
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
      <SaveNote error={revoke.error} />
      {created && (
        <div className="stack compact" role="status">
          <p>{t('tokens.shownOnce')}</p>
          <input
            readOnly
            value={created.token}
            aria-label={t('tokens.secretLabel', { name: created.name })}
            onFocus={(e) => e.currentTarget.select()}
          />
        </div>
      )}
      <form className="stack compact" onSubmit={handleCreate}>
        <h2>{t('tokens.new')}</h2>
        <label className="field">
          <span>{t('common.name')}</span>
          <input name="name" required maxLength={80} />
        </label>
        <label className="field">
          <span>{t('tokens.expiresInDays')}</span>
          <input name="expiresInDays" type="number" min={1} max={3650} step={1} inputMode="numeric" />
        </label>
        <button type="submit" className="primary" disabled={create.isPending}>
          {t('tokens.create')}
        </button>
        <SaveNote error={create.error} />
      </form>
    </section>
  );
}
