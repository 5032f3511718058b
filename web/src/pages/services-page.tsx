import type { ServiceView } from '../../../src/api/service-schemas.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { StatusBadge } from '../components/status-badge.js';
import { useLocale } from '../i18n/locale.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';

/** The tenant's services: replicas and their revisions, the endpoint, traffic and tokens. */
export function ServicesPage() {
  const { client } = useSession();
  const { t } = useLocale();
  const [services, reload] = useApi(() => client.listServices(), [client]);
  return (
    <>
      <h1>{t('services.title')}</h1>
      <button type="button" onClick={reload}>
        {t('services.refresh')}
      </button>
      {services.state === 'loading' ? <p role="status">{t('app.loading')}</p> : null}
      {services.state === 'failed' ? <ProblemAlert error={services.error} /> : null}
      {services.state === 'ready' ? (
        services.value.items.length === 0 ? (
          <p>{t('services.none')}</p>
        ) : (
          services.value.items.map((s) => <Service key={s.id} service={s} />)
        )
      ) : null}
    </>
  );
}

function Service({ service }: { service: ServiceView }) {
  const { t, number } = useLocale();
  const { replicas, traffic } = service;
  const latency = (ms: number | null) => (ms === null ? '—' : `${number(ms, 0)} ms`);
  const revisions = [...new Set(replicas.items.map((r) => r.revision))];
  const isRollingOut = revisions.some((r) => r !== service.revision);
  return (
    <section aria-label={service.name} className="service" data-testid="service">
      <h2>
        {service.name} <span className="hint">({service.project})</span>
      </h2>
      <dl className="facts">
        <dt>{t('services.endpoint')}</dt>
        <dd>
          <code>{service.endpoint.url}</code> ({service.endpoint.auth}
          {service.endpoint.openai ? ', OpenAI' : ''})
        </dd>
        <dt>{t('services.replicas')}</dt>
        <dd data-testid="replicas">
          {t('services.replicaCount', {
            ready: replicas.ready,
            desired: replicas.desired,
            min: replicas.min,
            max: replicas.max,
          })}
        </dd>
        <dt>{t('services.revision')}</dt>
        <dd>
          {service.revision} — {isRollingOut ? t('services.rollingOut') : t('services.rolledOut')}
        </dd>
        <dt>{t('services.traffic')}</dt>
        <dd>
          {t('services.trafficFigures', {
            rps: number(traffic.rps, 2),
            inflight: traffic.inflight,
            p50: latency(traffic.p50Ms),
            p99: latency(traffic.p99Ms),
            requests: number(traffic.requests, 0),
          })}
        </dd>
        <dt>{t('services.tokens')}</dt>
        <dd>
          {t('services.tokenFigures', {
            prompt: number(traffic.promptTokens, 0),
            completion: number(traffic.completionTokens, 0),
          })}
        </dd>
      </dl>
      {replicas.items.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('services.replica')}</th>
              <th scope="col">{t('job.status')}</th>
              <th scope="col">{t('services.revision')}</th>
              <th scope="col">{t('jobs.site')}</th>
              <th scope="col">{t('services.ready')}</th>
              <th scope="col">{t('job.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {replicas.items.map((r) => (
              <tr key={r.job}>
                <td>
                  <Link to={`/jobs/${encodeURIComponent(r.job)}`}>{r.job}</Link>
                </td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td>{r.revision}</td>
                <td>
                  {r.site ?? '—'}
                  {r.simulated ? ` (${t('overview.simulated')})` : ''}
                </td>
                <td>{r.ready ? t('services.yes') : t('services.no')}</td>
                <td>{r.problem ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
