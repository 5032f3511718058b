import type { BudgetStatusView } from '../../../src/api/metering-schemas.js';
import type { SiteView } from '../../../src/api/schemas.js';
import type { UsineClient } from '../../../src/sdk/usine-client.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { useLocale } from '../i18n/locale.js';
import { useSession } from '../session.js';
import { useApi, type Loaded } from '../use-api.js';

/** Counted up to this many per state: a queue longer than that is shown as "500+". */
const QUEUE_LIMIT = 500;

/** The federation at a glance: its sites and their GPUs, the queue, and this month's spend against budgets. */
export function OverviewPage() {
  const { client, caller, may } = useSession();
  const { t } = useLocale();
  const [sites] = useApi(() => client.listSites(), [client]);
  const [queue] = useApi(() => (may('job.read') ? countQueue(client) : Promise.resolve(undefined)), [client]);
  const [budgets] = useApi(
    // budgets are a tenant's: the operator's keys have none
    () => (may('usage.read') && caller.tenantId !== null ? client.listBudgets() : Promise.resolve(undefined)),
    [client],
  );
  return (
    <>
      <h1>{t('overview.title')}</h1>
      <Sites loaded={sites} />
      {queue.state === 'ready' && queue.value ? (
        <section aria-labelledby="queue-title">
          <h2 id="queue-title">{t('overview.queue')}</h2>
          <dl className="facts" data-testid="queue">
            {queue.value.map(({ status, count, isMore }) => (
              <div key={status} className="fact">
                <dt>{t(`status.${status}`)}</dt>
                <dd>{isMore ? `${count}+` : count}</dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}
      {budgets.state === 'failed' ? <ProblemAlert error={budgets.error} /> : null}
      {budgets.state === 'ready' && budgets.value ? <Budgets items={budgets.value.items} /> : null}
    </>
  );
}

function Sites({ loaded }: { loaded: Loaded<{ items: SiteView[] }> }) {
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
          </tr>
        </thead>
        <tbody>
          {loaded.value.items.map((site) => (
            <tr key={site.name}>
              <th scope="row">{site.name}</th>
              <td>{site.provider}</td>
              <td>{site.country}</td>
              <td>
                {site.backend}
                {site.backend === 'simulated' ? ` (${t('overview.simulated')})` : ''}
                {site.virtual ? ` (${t('overview.virtual')})` : ''}
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
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Budgets({ items }: { items: readonly BudgetStatusView[] }) {
  const { t, money, number } = useLocale();
  return (
    <section aria-labelledby="budgets-title">
      <h2 id="budgets-title">{t('overview.budgets')}</h2>
      {items.length === 0 ? (
        <p>{t('overview.noBudget')}</p>
      ) : (
        <table data-testid="budgets">
          <thead>
            <tr>
              <th scope="col">{t('overview.scope')}</th>
              <th scope="col">{t('overview.limit')}</th>
              <th scope="col">{t('overview.spent')}</th>
              <th scope="col">{t('overview.alerts')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((b) => (
              <tr key={b.scope}>
                <th scope="row">{b.scope}</th>
                <td>{typeof b.limit === 'string' ? money(b.limit) : `${number(b.limit.gpuHours)} GPU-h`}</td>
                <td>
                  <meter min={0} max={100} value={Math.min(b.percent, 100)} aria-label={b.scope} />{' '}
                  {number(b.percent, 0)} %
                </td>
                <td>
                  {b.exhausted ? t('overview.exhausted') : b.alerts.map((a) => `${a} %`).join(', ') || '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

async function countQueue(client: UsineClient) {
  const states = ['queued', 'placed', 'admitted', 'running'] as const;
  return Promise.all(
    states.map(async (status) => {
      const page = await client.listJobs({ status, limit: String(QUEUE_LIMIT) });
      return { status, count: page.items.length, isMore: page.nextCursor !== null };
    }),
  );
}
