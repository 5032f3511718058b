import { useEffect, useState, type ReactNode } from 'react';
import { ProblemAlert } from './components/problem-alert.js';
import { LOCALES, useLocale, type Locale } from './i18n/locale.js';
import type { MessageKey } from './i18n/en.js';
import { JobPage } from './pages/job-page.js';
import { JobsPage } from './pages/jobs-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { Link, useLocation } from './router.js';
import { forgetKey, openSession, readStoredKey, SessionContext, type Session } from './session.js';

interface PageLink {
  readonly path: string;
  readonly label: MessageKey;
  /** The action the key needs for the page to be offered. */
  readonly action: string;
}

const PAGES: readonly PageLink[] = [{ path: '/jobs', label: 'nav.jobs', action: 'job.read' }];

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
                {PAGES.filter((p) => session.may(p.action)).map((p) => (
                  <li key={p.path}>
                    <Link to={p.path}>{t(p.label)}</Link>
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
        <main id="content">
          <Page />
        </main>
      </Frame>
    </SessionContext.Provider>
  );
}

/** The page at the current address. */
function Page() {
  const { t } = useLocale();
  const { path } = useLocation();
  const job = /^\/jobs\/([^/]+)$/.exec(path);
  if (job?.[1]) return <JobPage jobId={decodeURIComponent(job[1])} />;
  if (path === '/' || path === '/jobs') return <JobsPage />;
  return <p>{t('app.notFound')}</p>;
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
