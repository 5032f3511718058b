import type { UsineClient } from '../../../src/sdk/usine-client.js';
import { useLocale } from '../i18n/locale.js';
import { useApi } from '../use-api.js';

/** What the job used this month, metered per GPU-second, and what it costs at the price fixed when it was admitted. */
export function JobUsage({ client, jobId, round }: { client: UsineClient; jobId: string; round: string }) {
  const { t, money, number } = useLocale();
  // `round` (the job's last update) reads the meter again as the job moves
  const [usage] = useApi(() => client.getUsage({ groupBy: 'job' }), [client, jobId, round]);
  const row = usage.state === 'ready' ? usage.value.items.find((r) => r.key === jobId) : undefined;
  if (!row) return null;
  return (
    <section aria-labelledby="usage-title">
      <h2 id="usage-title">{t('job.usage')}</h2>
      <dl className="facts" data-testid="job-usage">
        <dt>{t('costs.gpuHours')}</dt>
        <dd>{number(Number(row.gpuSeconds) / 3600)}</dd>
        <dt>{t('costs.energy')}</dt>
        <dd>{number(Number(row.energyWh) / 1000)} kWh</dd>
        <dt>{t('placement.cost')}</dt>
        <dd>
          {money(row.cost)}
          {row.simulated ? ` (${t('overview.simulated')})` : ''}
        </dd>
      </dl>
    </section>
  );
}
