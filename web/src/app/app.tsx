import type { Person, Role } from '@defuse/shared';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, type ReactNode, Suspense, useEffect } from 'react';
import { ApiRequestError, api } from '../api/client.ts';
import { directoryKeys } from '../api/keys.ts';
import { FilePage } from '../features/field/file-page.tsx';
import { MyBombsPage } from '../features/field/my-bombs-page.tsx';
import { OutboxProvider } from '../features/field/outbox-provider.tsx';
import { Bell } from '../features/inbox/bell.tsx';
import { BombPage } from '../features/queue/bomb-page.tsx';
import { QueuePage } from '../features/queue/queue-page.tsx';
import { storedLocale, useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { LiveProvider, useLiveStatus } from '../live/live-provider.tsx';
import { Link, matchPath, navigate, useLocation } from './router.tsx';
import { SignInPage } from './sign-in-page.tsx';
import { ErrorNote, Loading } from './ui.tsx';

// The field view loads first on a phone: the PM and admin screens come in their own chunks.
const DashboardPage = lazy(() => import('../features/dashboard/dashboard-page.tsx'));
const FeedbackPage = lazy(() => import('../features/dashboard/feedback-page.tsx'));
const AdminPage = lazy(() => import('../features/admin/admin-page.tsx'));
const SignalsPage = lazy(() => import('../features/signals/signals-page.tsx'));
const TokensPage = lazy(() => import('../features/tokens/tokens-page.tsx'));
const InboxPage = lazy(() => import('../features/inbox/inbox-page.tsx'));
const PreferencesPage = lazy(() => import('../features/inbox/preferences-page.tsx'));

interface NavItem {
  to: string;
  label: MessageKey;
  roles: readonly Role[];
}

const EVERYONE = ['field', 'member', 'lead', 'pm', 'admin'] as const;
const NAV: NavItem[] = [
  { to: '/file', label: 'nav.file', roles: EVERYONE },
  { to: '/mine', label: 'nav.mine', roles: EVERYONE },
  { to: '/queue', label: 'nav.queue', roles: ['member', 'lead', 'pm', 'admin'] },
  { to: '/dashboard', label: 'nav.dashboard', roles: ['lead', 'pm', 'admin'] },
  { to: '/signals', label: 'nav.signals', roles: EVERYONE },
  { to: '/admin', label: 'nav.admin', roles: ['admin'] },
  { to: '/tokens', label: 'nav.tokens', roles: EVERYONE },
];

export function homeFor(role: Role): string {
  if (role === 'field') return '/file';
  if (role === 'pm') return '/dashboard';
  if (role === 'admin') return '/admin';
  return '/queue';
}

export function App() {
  const me = useQuery({
    queryKey: directoryKeys.me,
    queryFn: () => api<{ person: Person }>('/api/me').then((r) => r.person),
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
  if (me.isPending) return <Loading />;
  if (me.error instanceof ApiRequestError && me.error.status === 401) return <SignInPage />;
  if (me.error) return <ErrorNote error={me.error} onRetry={() => void me.refetch()} />;
  return (
    <LiveProvider key={me.data.id}>
      <OutboxProvider personId={me.data.id}>
        <Shell me={me.data} />
      </OutboxProvider>
    </LiveProvider>
  );
}

function LiveIndicator() {
  const { t } = useI18n();
  const status = useLiveStatus();
  const label = t(`live.${status}`);
  return (
    <output className={`live live-${status}`} aria-live="polite" aria-label={t('live.label', { state: label })}>
      <span className="live-dot" aria-hidden="true" />
      {label}
    </output>
  );
}

function Shell({ me }: { me: Person }) {
  const { t, locale, setLocale } = useI18n();
  const { path } = useLocation();
  const queryClient = useQueryClient();

  // A person who never chose a language on this device gets the one saved on their account.
  useEffect(() => {
    if (storedLocale() === null && me.locale !== locale) setLocale(me.locale);
  }, [me.locale, locale, setLocale]);

  useEffect(() => {
    if (path === '/') navigate(homeFor(me.role), { replace: true });
  }, [path, me.role]);

  const handleSignOut = async () => {
    await api('/api/session', { method: 'DELETE' }).catch(() => undefined);
    queryClient.clear();
    navigate('/', { replace: true });
    void queryClient.invalidateQueries({ queryKey: directoryKeys.me });
  };

  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="topbar">
        <Link to={homeFor(me.role)} className="brand">
          {t('app.name')}
        </Link>
        <nav aria-label={t('nav.main')}>
          <ul>
            {NAV.filter((item) => item.roles.includes(me.role)).map((item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={path.startsWith(item.to) ? 'page' : undefined}>
                  {t(item.label)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="topbar-tools">
          <Bell current={path === '/inbox'} />
          <LiveIndicator />
          <button
            type="button"
            className="ghost"
            lang={locale === 'ja' ? 'en' : 'ja'}
            aria-label={`${t('lang.label')}: ${t('lang.switchTo')}`}
            onClick={() => setLocale(locale === 'ja' ? 'en' : 'ja')}
          >
            {t('lang.switchTo')}
          </button>
          <button type="button" className="ghost" onClick={() => void handleSignOut()}>
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Route path={path} me={me} />
        </Suspense>
      </main>
    </>
  );
}

function Route({ path, me }: { path: string; me: Person }): ReactNode {
  if (path === '/file') return <FilePage />;
  if (path === '/mine') return <MyBombsPage me={me} />;
  if (path === '/queue') return <QueuePage me={me} />;
  if (path === '/signals') return <SignalsPage me={me} />;
  if (path === '/dashboard') return <DashboardPage me={me} />;
  if (path === '/inbox') return <InboxPage />;
  if (path === '/settings/notifications') return <PreferencesPage />;
  if (path.startsWith('/admin')) return <AdminPage />;
  if (path === '/tokens') return <TokensPage />;
  const bomb = matchPath('/bombs/:id', path);
  if (bomb?.id) return <BombPage id={bomb.id} me={me} />;
  const feedback = matchPath('/products/:id/feedback', path);
  if (feedback?.id) return <FeedbackPage productId={feedback.id} />;
  return null;
}
