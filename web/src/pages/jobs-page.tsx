import { useState, type FormEvent } from 'react';
import { JOB_STATUSES } from '../../../src/domain/jobs/lifecycle.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { StatusBadge } from '../components/status-badge.js';
import { useLocale } from '../i18n/locale.js';
import { Link, navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';

const PAGE_SIZE = 50;
const FILTERS = ['status', 'project', 'site', 'label', 'tenant'] as const;

/**
 * The jobs the key may read, newest first, a page at a time (the API's cursor): the filters and
 * the page are in the address, so a list can be shared and reloaded.
 */
export function JobsPage() {
  const { client, caller } = useSession();
  const { t, dateTime } = useLocale();
  // the operator's key reads every tenant's jobs: it sees whose each one is, and may pick a tenant
  const isOperator = caller.tenantId === null;
  const { query } = useLocation();
  const filters = Object.fromEntries(FILTERS.map((f) => [f, query.get(f) ?? ''])) as Record<
    (typeof FILTERS)[number],
    string
  >;
  const cursor = query.get('cursor') ?? undefined;
  const [loaded] = useApi(
    () =>
      client.listJobs({
        status: filters.status || undefined,
        project: filters.project || undefined,
        label: filters.label || undefined,
        site: filters.site || undefined,
        tenant: filters.tenant || undefined,
        cursor,
        limit: String(PAGE_SIZE),
      }),
    [client, filters.status, filters.project, filters.site, filters.label, filters.tenant, cursor],
  );
  // the operator reads names, not ids: its key lists every tenant
  const [tenants] = useApi(
    () => (isOperator ? client.listTenants() : Promise.resolve({ items: [] })),
    [client, isOperator],
  );
  const tenantName = (id: string) =>
    (tenants.state === 'ready' ? tenants.value.items.find((tenant) => tenant.id === id)?.name : undefined) ??
    id;
  const [draft, setDraft] = useState(filters);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    navigate(addressOf(draft));
  };
  return (
    <>
      <h1>{t('jobs.title')}</h1>
      <form className="filters" onSubmit={apply} aria-label={t('jobs.filters')}>
        <label>
          {t('jobs.status')}
          <select value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
            <option value="">{t('jobs.anyStatus')}</option>
            {JOB_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('jobs.project')}
          <input value={draft.project} onChange={(e) => setDraft({ ...draft, project: e.target.value })} />
        </label>
        <label>
          {t('jobs.site')}
          <input value={draft.site} onChange={(e) => setDraft({ ...draft, site: e.target.value })} />
        </label>
        <label>
          {t('jobs.label')}
          <input
            value={draft.label}
            placeholder={t('jobs.labelHint')}
            onChange={(e) => setDraft({ ...draft, label: e.target.value })}
          />
        </label>
        {isOperator ? (
          <label>
            {t('jobs.tenant')}
            <input value={draft.tenant} onChange={(e) => setDraft({ ...draft, tenant: e.target.value })} />
          </label>
        ) : null}
        <button type="submit">{t('jobs.apply')}</button>
      </form>
      {loaded.state === 'loading' ? <p role="status">{t('app.loading')}</p> : null}
      {loaded.state === 'failed' ? <ProblemAlert error={loaded.error} /> : null}
      {loaded.state === 'ready' ? (
        loaded.value.items.length === 0 ? (
          <p>{t('jobs.none')}</p>
        ) : (
          <>
            <table className="jobs" data-testid="jobs">
              <thead>
                <tr>
                  <th scope="col">{t('jobs.name')}</th>
                  <th scope="col">{t('jobs.status')}</th>
                  {isOperator ? <th scope="col">{t('jobs.tenant')}</th> : null}
                  <th scope="col">{t('jobs.project')}</th>
                  <th scope="col">{t('jobs.site')}</th>
                  <th scope="col">{t('jobs.created')}</th>
                </tr>
              </thead>
              <tbody>
                {loaded.value.items.map((job) => (
                  <tr key={job.id}>
                    <td>
                      <Link to={`/jobs/${encodeURIComponent(job.id)}`}>{job.name}</Link>
                    </td>
                    <td>
                      <StatusBadge status={job.status} />
                    </td>
                    {isOperator ? <td title={job.tenantId}>{tenantName(job.tenantId)}</td> : null}
                    <td>{job.project}</td>
                    <td>{job.site ?? '—'}</td>
                    <td>{dateTime(job.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav className="pager" aria-label={t('jobs.title')}>
              {cursor ? <Link to={addressOf(filters)}>{t('jobs.first')}</Link> : null}
              {loaded.value.nextCursor ? (
                <Link to={addressOf(filters, loaded.value.nextCursor)}>{t('jobs.next')}</Link>
              ) : null}
            </nav>
          </>
        )
      ) : null}
    </>
  );
}

function addressOf(filters: Record<string, string>, cursor?: string): string {
  const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== ''));
  if (cursor) params.set('cursor', cursor);
  return params.size > 0 ? `/jobs?${params}` : '/jobs';
}
