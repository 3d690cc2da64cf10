import type { Locale } from '@defuse/shared';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { setBoardLanguage } from './board-language.ts';
import { interpolate } from './format.ts';
import { en, ja, type MessageKey } from './messages.ts';

const STORAGE_KEY = 'defuse.locale';
const CATALOGS: Record<Locale, Record<MessageKey, string>> = { ja, en };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

interface I18n {
  locale: Locale;
  t: Translate;
  setLocale(locale: Locale): void;
}

const I18nContext = createContext<I18n | null>(null);

export function storedLocale(): Locale | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'ja' || value === 'en' ? value : null;
  } catch {
    return null;
  }
}

function initialLocale(): Locale {
  const locale = storedLocale() ?? (navigator.language.toLowerCase().startsWith('ja') ? 'ja' : 'en');
  setBoardLanguage(locale);
  return locale;
}

export function I18nProvider({ children, onChange }: { children: ReactNode; onChange?: (locale: Locale) => void }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const setLocale = useCallback(
    (next: Locale) => {
      setBoardLanguage(next);
      setLocaleState(next);
      try {
        localStorage.setItem(STORAGE_KEY, next);
      } catch {
        // Private mode: the choice lasts for this page only.
      }
      onChange?.(next);
    },
    [onChange],
  );
  const value = useMemo<I18n>(() => {
    const catalog = CATALOGS[locale];
    return {
      locale,
      setLocale,
      // A key built from a server value the catalog does not know shows as itself, not as "undefined".
      t: (key, vars) => interpolate(catalog[key] ?? key, vars),
    };
  }, [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
