import type { FactorySummaryView } from '../../../src/api/metering-schemas.js';
import { BudgetTable } from '../components/budget-table.js';
import type { SiteView } from '../../../src/api/schemas.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { useLocale } from '../i18n/locale.js';
import { useSession } from '../session.js';
import { useApi, type Loaded } from '../use-api.js';

/** The federation at a glance: its sites and their GPUs, the queue, and this month's spend against budgets. */
export function OverviewPage() {
  const { client } = useSession();
  const { t, money } = useLocale();
  const [sites] = useApi(() => client.listSites(), [client]);
  const [summary] = useApi(() => client.getSummary(), [client]);
  const jobs = summary.state === 'ready' ? summary.value : undefined;
  return (
    <>
      <h1>{t('overview.title')}</h1>
      <Sites loaded={sites} summary={jobs} />
      {summary.state === 'failed' ? <ProblemAlert error={summary.error} /> : null}
      {jobs ? (
        <section aria-labelledby="queue-title">
          <h2 id="queue-title">{t('overview.queue')}</h2>
          <dl className="facts" data-testid="queue">
            {Object.entries(jobs.jobs).map(([status, count]) => (
              <div key={status} className="fact">
                <dt>{t(`status.${status as 'queued'}`)}</dt>
                <dd>{count}</dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}
      {jobs?.spend?.map((tenant) => (
        <section key={tenant.tenantId} aria-label={tenant.tenant}>
          <h2>
            {t('overview.budgets')}
            {jobs.scope === 'factory' ? ` — ${tenant.tenant}` : ''}
          </h2>
          <p>
            {tenant.invoiced.length === 0
              ? t('costs.noInvoice')
              : tenant.invoiced
                  .map((i) => `${money(i.total)} (${t(`costs.status.${i.status as 'draft'}`)})`)
                  .join(', ')}
          </p>
          <BudgetTable items={tenant.budgets} />
        </section>
      ))}
    </>
  );
}

function Sites({
  loaded,
  summary,
}: {
  loaded: Loaded<{ items: SiteView[] }>;
  summary: FactorySummaryView | undefined;
}) {
  const { t, number } = useLocale();
  if (loaded.state === 'loading') return <p role="status">{t('app.loading')}</p>;
  if (loaded.state === 'failed') return <ProblemAlert error={loaded.error} />;
  return (
    <section aria-labelledby="sites-title">
      <h2 id="sites-title">{t('overview.sites')}</h2>
      <table data-testid="sites">
        <thead>
          <tr>
            <th scope="col">{t('jobs.site')}</th>
            <th scope="col">{t('overview.provider')}</th>
            <th scope="col">{t('overview.country')}</th>
            <th scope="col">{t('overview.backend')}</th>
            <th scope="col">{t('overview.certifications')}</th>
            <th scope="col">{t('overview.gpus')}</th>
            <th scope="col">{t('overview.used')}</th>
            <th scope="col">{t('overview.free')}</th>
            <th scope="col">{t('overview.runningWaiting')}</th>
          </tr>
        </thead>
        <tbody>
          {loaded.value.items.map((site) => (
            <tr key={site.name}>
              <th scope="row">{site.name}</th>
              <td>{site.provider}</td>
              <td>{site.country}</td>
              <td>
                {site.backend === 'simulated' ? t('overview.simulated') : site.backend}
                {site.virtual && site.backend !== 'simulated' ? ` (${t('overview.virtual')})` : ''}
                {site.running ? '' : ` — ${t('overview.notRunning')}`}
              </td>
              <td>
                {site.certifications.length === 0
                  ? '—'
                  : site.certifications
                      .map((c) => `${c.name}${c.valid ? '' : ` (${t('overview.expired')})`}`)
                      .join(', ')}
              </td>
              <td>
                {Object.entries(site.gpus)
                  .map(([model, n]) => `${n} × ${model}`)
                  .join(', ') || '—'}
              </td>
              <td>{number(site.gpusAllocated, 2)}</td>
              <td>{number(site.gpusFree, 2)}</td>
              <td>{describeLoad(summary, site.name)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** `3 / 1`: the jobs running at a site and those placed there that wait. */
function describeLoad(summary: FactorySummaryView | undefined, site: string): string {
  const load = summary?.sites.find((s) => s.site === site);
  return load ? `${load.running} / ${load.waiting}` : '—';
}
