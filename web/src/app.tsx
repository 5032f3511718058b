import { useEffect, useState, type ReactNode } from 'react';
import { PageErrorBoundary } from './components/page-error-boundary.js';
import { ProblemAlert } from './components/problem-alert.js';
import { LOCALES, useLocale, type Locale } from './i18n/locale.js';
import type { MessageKey } from './i18n/en.js';
import { AuditPage } from './pages/audit-page.js';
import { CostsPage } from './pages/costs-page.js';
import { JobPage } from './pages/job-page.js';
import { JobsPage } from './pages/jobs-page.js';
import { OperatorPage } from './pages/operator-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { ProvidersPage } from './pages/providers-page.js';
import { ServicesPage } from './pages/services-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { SubmitPage } from './pages/submit-page.js';
import { Link, useLocation } from './router.js';
import { forgetKey, openSession, readStoredKey, SessionContext, type Session } from './session.js';

interface PageLink {
  readonly path: string;
  readonly label: MessageKey;
  /** Whether the key may use the page (from what the server says its role grants). */
  isOffered(session: Session): boolean;
  readonly render: () => ReactNode;
}

const isTenantKey = (s: Session) => s.caller.tenantId !== null;

/** The pages, in the menu's order; a key is offered those its role may use. */
const PAGES: readonly PageLink[] = [
  { path: '/', label: 'nav.overview', isOffered: (s) => s.may('site.read'), render: () => <OverviewPage /> },
  { path: '/jobs', label: 'nav.jobs', isOffered: (s) => s.may('job.read'), render: () => <JobsPage /> },
  {
    path: '/services',
    label: 'nav.services',
    isOffered: (s) => s.may('service.read'),
    render: () => <ServicesPage />,
  },
  {
    path: '/submit',
    label: 'nav.submit',
    isOffered: (s) => s.may('job.submit'),
    render: () => <SubmitPage />,
  },
  {
    path: '/costs',
    label: 'nav.costs',
    isOffered: (s) => s.may('usage.read') && isTenantKey(s),
    render: () => <CostsPage />,
  },
  {
    path: '/providers',
    label: 'nav.providers',
    isOffered: (s) => s.may('site.read'),
    render: () => <ProvidersPage />,
  },
  { path: '/audit', label: 'nav.audit', isOffered: (s) => s.may('audit.read'), render: () => <AuditPage /> },
  {
    path: '/operator',
    label: 'nav.operator',
    isOffered: (s) => s.may('tenant.create'),
    render: () => <OperatorPage />,
  },
];

/** The console: signs in with an API key, then shows the pages the key's role may use. */
export function App() {
  const { t } = useLocale();
  const [session, setSession] = useState<Session | undefined>(undefined);
  const [resumeError, setResumeError] = useState<unknown>(undefined);
  const [isResuming, setResuming] = useState(() => readStoredKey() !== null);
  useEffect(() => {
    const key = readStoredKey();
    if (key === null) return;
    openSession(key)
      .then(setSession, (error: unknown) => {
        forgetKey();
        setResumeError(error);
      })
      .finally(() => setResuming(false));
  }, []);
  if (isResuming) return <p role="status">{t('app.loading')}</p>;
  if (!session) {
    return (
      <Frame>
        {resumeError !== undefined ? <ProblemAlert error={resumeError} /> : null}
        <SignInPage onSignedIn={setSession} />
      </Frame>
    );
  }
  const signOut = () => {
    forgetKey();
    setSession(undefined);
  };
  return (
    <SessionContext.Provider value={session}>
      <Frame
        nav={
          <>
            <nav aria-label={t('nav.label')}>
              <ul>
                {PAGES.filter((p) => p.isOffered(session)).map((p) => (
                  <li key={p.path}>
                    <NavLink to={p.path} label={t(p.label)} />
                  </li>
                ))}
              </ul>
            </nav>
            <span className="who" data-testid="role">
              {t('app.signedInAs', { role: t(`role.${session.caller.role as 'admin'}`) })}
            </span>
            <button type="button" onClick={signOut}>
              {t('app.signOut')}
            </button>
          </>
        }
      >
        <main id="content" tabIndex={-1}>
          <Page session={session} />
        </main>
      </Frame>
    </SessionContext.Provider>
  );
}

/** The page at the current address, a failure while drawing it shown in its place. */
function Page({ session }: { session: Session }) {
  const { t } = useLocale();
  const { path } = useLocation();
  return (
    <PageErrorBoundary key={path} title={t('app.pageFailed')}>
      <PageAt path={path} session={session} />
    </PageErrorBoundary>
  );
}

/** The page at `path`, if the key may use it. */
function PageAt({ path, session }: { path: string; session: Session }) {
  const { t } = useLocale();
  const job = /^\/jobs\/([^/]+)$/.exec(path);
  if (job?.[1] && session.may('job.read')) return <JobPage jobId={decodeURIComponent(job[1])} />;
  const page = PAGES.find((p) => p.path === path);
  if (!page) return <p>{t('app.notFound')}</p>;
  if (!page.isOffered(session)) return <p role="alert">{t('app.notForKey')}</p>;
  return page.render();
}

/** A menu entry; the current page's says so to screen readers. */
function NavLink({ to, label }: { to: string; label: string }) {
  const { path } = useLocation();
  const isCurrent = to === '/' ? path === '/' : path.startsWith(to);
  return (
    <Link to={to} aria-current={isCurrent ? 'page' : undefined}>
      {label}
    </Link>
  );
}

/** The header every page shares: the name, the language switch, and the signed-in part. */
function Frame({ nav, children }: { nav?: ReactNode; children: ReactNode }) {
  const { t, locale, setLocale } = useLocale();
  return (
    <>
      <a className="skip" href="#content">
        {t('app.skip')}
      </a>
      <header className="top">
        <Link to="/" className="brand">
          {t('app.name')}
        </Link>
        {nav}
        <label className="language">
          {t('app.language')}
          <select value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
            {LOCALES.map((l) => (
              <option key={l} value={l}>
                {l === 'fr' ? 'Français' : 'English'}
              </option>
            ))}
          </select>
        </label>
      </header>
      {children}
    </>
  );
}
