import { useState } from 'react';
import type { AuditVerificationView } from '../../../src/api/schemas.js';
import { verifyInBrowser, type BrowserVerification } from '../audit/verify-in-browser.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { useLocale } from '../i18n/locale.js';
import { Link, navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';

const PAGE_SIZE = 100;

/** The tamper-evident log: the chain's state, a verification on demand, the entries (oldest first). */
export function AuditPage() {
  const { client, caller } = useSession();
  const { t, dateTime, number } = useLocale();
  const { query } = useLocation();
  const cursor = query.get('cursor') ?? undefined;
  const actor = query.get('actor') ?? '';
  const action = query.get('action') ?? '';
  const [entries] = useApi(
    () => client.listAudit(cursor, PAGE_SIZE, { actor: actor || undefined, action: action || undefined }),
    [client, cursor, actor, action],
  );
  const [draft, setDraft] = useState({ actor, action });
  const [verification, setVerification] = useState<AuditVerificationView | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [isBusy, setBusy] = useState(false);
  const [local, setLocal] = useState<BrowserVerification | undefined>(undefined);
  const verify = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setVerification(await client.verifyAudit());
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const verifyHere = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setLocal(await verifyInBrowser(client, caller.tenantId !== null));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h1>{t('audit.title')}</h1>
      <section aria-labelledby="verify-title">
        <h2 id="verify-title">{t('audit.chain')}</h2>
        <p>{t('audit.intro')}</p>
        <p className="downloads">
          <button type="button" onClick={() => void verify()} disabled={isBusy}>
            {t('audit.verify')}
          </button>
          <button type="button" onClick={() => void verifyHere()} disabled={isBusy}>
            {t('audit.verifyHere')}
          </button>
        </p>
        {error !== undefined ? <ProblemAlert error={error} /> : null}
        {verification ? (
          <div role="status" data-testid="verification" data-ok={verification.ok}>
            <p className={verification.ok ? 'valid' : 'invalid'}>
              {verification.ok
                ? t('audit.ok', {
                    n: number(verification.entries, 0),
                    scope: t(`audit.scope.${verification.scope}`),
                  })
                : t('audit.broken', { n: verification.firstBadEntry ?? '?', kind: verification.kind ?? '' })}
            </p>
            {verification.problem ? <p>{verification.problem}</p> : null}
            {verification.checkpoint ? (
              <p>
                {t('audit.checkpoint', {
                  count: number(verification.checkpoint.count, 0),
                  at: dateTime(verification.checkpoint.at),
                })}
              </p>
            ) : null}
          </div>
        ) : null}
        {local ? (
          <div role="status" data-testid="browser-verification" data-ok={local.ok}>
            <p className={local.ok ? 'valid' : 'invalid'}>
              {local.ok
                ? t('audit.okHere', {
                    n: number(local.entries, 0),
                    checkpoints: number(local.checkpointsChecked, 0),
                    key: local.keyId,
                  })
                : t('audit.broken', { n: local.firstBadEntry ?? '?', kind: local.kind ?? '' })}
            </p>
            {local.problem ? <p>{local.problem}</p> : null}
          </div>
        ) : null}
      </section>
      <section aria-labelledby="entries-title">
        <h2 id="entries-title">{t('audit.entries')}</h2>
        <form
          className="filters"
          aria-label={t('jobs.filters')}
          onSubmit={(e) => {
            e.preventDefault();
            navigate(addressOf(draft));
          }}
        >
          <label>
            {t('audit.actor')}
            <input value={draft.actor} onChange={(e) => setDraft({ ...draft, actor: e.target.value })} />
          </label>
          <label>
            {t('audit.action')}
            <input
              value={draft.action}
              placeholder="job."
              onChange={(e) => setDraft({ ...draft, action: e.target.value })}
            />
          </label>
          <button type="submit">{t('jobs.apply')}</button>
        </form>
        {entries.state === 'loading' ? <p role="status">{t('app.loading')}</p> : null}
        {entries.state === 'failed' ? <ProblemAlert error={entries.error} /> : null}
        {entries.state === 'ready' ? (
          <>
            <table data-testid="audit-entries">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t('audit.at')}</th>
                  <th scope="col">{t('audit.actor')}</th>
                  <th scope="col">{t('audit.action')}</th>
                  <th scope="col">{t('audit.subject')}</th>
                  <th scope="col">{t('audit.hash')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.value.items.map((e) => (
                  <tr key={e.seq}>
                    <td>{e.seq}</td>
                    <td>{dateTime(e.at)}</td>
                    <td>{e.actor}</td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td>{e.subject}</td>
                    <td>
                      <code title={e.hash}>{e.hash.slice(0, 12)}…</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav className="pager" aria-label={t('audit.entries')}>
              {cursor ? <Link to="/audit">{t('jobs.first')}</Link> : null}
              {entries.value.nextCursor ? (
                <Link to={`/audit?cursor=${encodeURIComponent(entries.value.nextCursor)}`}>
                  {t('jobs.next')}
                </Link>
              ) : null}
            </nav>
          </>
        ) : null}
      </section>
    </>
  );
}

function addressOf(filters: { actor: string; action: string }, cursor?: string): string {
  const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== ''));
  if (cursor) params.set('cursor', cursor);
  return params.size > 0 ? `/audit?${params}` : '/audit';
}
