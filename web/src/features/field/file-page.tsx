import { CATEGORIES, type Category, SEVERITIES, type Severity } from '@defuse/shared';
import { type FormEvent, useState } from 'react';
import type { FileBombInput } from '../../api/bombs.ts';
import { useProducts } from '../../api/directory.ts';
import { navigate } from '../../app/router.tsx';
import { CategoryIcon, NamedOptions } from '../../app/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useOutbox } from './outbox-provider.tsx';

export function FilePage() {
  const { t } = useI18n();
  const { outbox } = useOutbox();
  const products = useProducts().data ?? [];
  const [category, setCategory] = useState<Category | null>(null);
  const [severity, setSeverity] = useState<Severity>('normal');
  const [missingCategory, setMissingCategory] = useState(false);
  const [busy, setBusy] = useState(false);

  const handleSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!category) {
      setMissingCategory(true);
      return;
    }
    const form = new FormData(e.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const input: FileBombInput = {
      title: text('title'),
      category,
      severity,
      description: text('description'),
      restricted: form.get('restricted') === 'on',
      ...(text('productId') && { productId: text('productId') }),
      ...(text('customer') && { customer: text('customer') }),
    };
    setBusy(true);
    try {
      // Written to the device before the network is tried: a dropped connection loses nothing.
      await outbox.add(input);
      void outbox.flush({ force: true });
      navigate('/mine');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="file-page">
      <h1>{t('file.title')}</h1>
      <form onSubmit={handleSubmit} className="stack">
        <fieldset className="categories">
          <legend>{t('file.category')}</legend>
          <div className="category-grid">
            {CATEGORIES.map((c) => (
              <label key={c} className={`category-button${category === c ? ' selected' : ''}`}>
                <input
                  type="radio"
                  name="category"
                  value={c}
                  checked={category === c}
                  onChange={() => {
                    setCategory(c);
                    setMissingCategory(false);
                  }}
                />
                <CategoryIcon category={c} />
                <span>{t(`category.${c}`)}</span>
              </label>
            ))}
          </div>
          {missingCategory && (
            <p role="alert" className="error">
              {t('file.pickCategory')}
            </p>
          )}
        </fieldset>
        <fieldset className="segmented">
          <legend>{t('file.severity')}</legend>
          <div className="segments">
            {SEVERITIES.map((s) => (
              <label key={s} className={`segment severity-${s}${severity === s ? ' selected' : ''}`}>
                <input
                  type="radio"
                  name="severity"
                  value={s}
                  checked={severity === s}
                  onChange={() => setSeverity(s)}
                />
                <span>{t(`severity.${s}`)}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <label className="field">
          <span>{t('file.bombTitle')}</span>
          <input name="title" required maxLength={200} autoComplete="off" />
        </label>
        <div className="row-2">
          <label className="field">
            <span>{t('file.product')}</span>
            <select name="productId" defaultValue="">
              <option value="">{t('file.noProduct')}</option>
              <NamedOptions items={products} />
            </select>
          </label>
          <label className="field">
            <span>{t('file.customer')}</span>
            <input name="customer" maxLength={200} autoComplete="organization" />
          </label>
        </div>
        <label className="field">
          <span>{t('file.description')}</span>
          <textarea name="description" rows={4} maxLength={10_000} />
        </label>
        <label className="check">
          <input type="checkbox" name="restricted" />
          <span>
            {t('file.restricted')}
            <small className="muted block">{t('file.restrictedHint')}</small>
          </span>
        </label>
        <button type="submit" className="primary big" disabled={busy}>
          {t('file.submit')}
        </button>
      </form>
    </section>
  );
}
