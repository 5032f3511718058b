import { useState } from 'react';
import type { InvoiceView } from '../../../src/api/metering-schemas.js';
import { BudgetTable } from '../components/budget-table.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { UsageChart } from '../components/usage-chart.js';
import { useLocale } from '../i18n/locale.js';
import { saveDownload } from '../save-download.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';

const GROUPS = ['project', 'site', 'gpuModel', 'job'] as const;
type Group = (typeof GROUPS)[number];

/** What was used and what it costs: usage over time and by group, the invoices with their lines and downloads. */
export function CostsPage() {
  const { client, may } = useSession();
  const { t, money, number } = useLocale();
  const [group, setGroup] = useState<Group>('project');
  const [days] = useApi(() => client.getUsage({ groupBy: 'day' }), [client]);
  const [grouped] = useApi(() => client.getUsage({ groupBy: group }), [client, group]);
  const [invoices] = useApi(() => client.listInvoices(), [client]);
  const [budgets] = useApi(() => client.listBudgets(), [client]);
  return (
    <>
      <h1>{t('costs.title')}</h1>
      <section aria-labelledby="usage-title">
        <h2 id="usage-title">{t('costs.usage')}</h2>
        {days.state === 'failed' ? <ProblemAlert error={days.error} /> : null}
        {days.state === 'ready' ? (
          days.value.items.length === 0 ? (
            <p>{t('costs.noUsage')}</p>
          ) : (
            <UsageChart usage={days.value} />
          )
        ) : null}
        <label className="inline">
          {t('costs.groupBy')}{' '}
          <select value={group} onChange={(e) => setGroup(e.target.value as Group)}>
            {GROUPS.map((g) => (
              <option key={g} value={g}>
                {t(`costs.group.${g}`)}
              </option>
            ))}
          </select>
        </label>
        {grouped.state === 'failed' ? <ProblemAlert error={grouped.error} /> : null}
        {grouped.state === 'ready' ? (
          <table data-testid="usage">
            <thead>
              <tr>
                <th scope="col">{t(`costs.group.${group}`)}</th>
                <th scope="col">{t('costs.gpuHours')}</th>
                <th scope="col">{t('costs.energy')}</th>
                <th scope="col">{t('placement.cost')}</th>
              </tr>
            </thead>
            <tbody>
              {grouped.value.items.map((row) => (
                <tr key={row.key}>
                  <th scope="row">
                    {row.key}
                    {row.simulated ? ` (${t('overview.simulated')})` : ''}
                  </th>
                  <td>{number(Number(row.gpuSeconds) / 3600)}</td>
                  <td>{number(Number(row.energyWh) / 1000)} kWh</td>
                  <td>{money(row.cost)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <section aria-labelledby="budgets-title">
        <h2 id="budgets-title">{t('overview.budgets')}</h2>
        {budgets.state === 'failed' ? <ProblemAlert error={budgets.error} /> : null}
        {budgets.state === 'ready' ? <BudgetTable items={budgets.value.items} /> : null}
      </section>
      {may('tenant.export') ? <ExportSection /> : null}
      <section aria-labelledby="invoices-title">
        <h2 id="invoices-title">{t('costs.invoices')}</h2>
        {invoices.state === 'failed' ? <ProblemAlert error={invoices.error} /> : null}
        {invoices.state === 'ready' ? (
          invoices.value.items.length === 0 ? (
            <p>{t('costs.noInvoice')}</p>
          ) : (
            invoices.value.items.map((invoice) => <Invoice key={invoice.id} invoice={invoice} />)
          )
        ) : null}
      </section>
    </>
  );
}

function Invoice({ invoice }: { invoice: InvoiceView }) {
  const { client } = useSession();
  const { t, money } = useLocale();
  const [error, setError] = useState<unknown>(undefined);
  const download = async (format: 'csv' | 'html' | 'json') => {
    setError(undefined);
    try {
      const text =
        format === 'json'
          ? JSON.stringify(invoice, null, 2)
          : await client.getInvoiceText(invoice.id, format);
      const type = { csv: 'text/csv', html: 'text/html', json: 'application/json' }[format];
      saveDownload([text], type, `${invoice.id}.${format}`);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <article className="invoice" data-testid="invoice" aria-label={invoice.id}>
      <h3>
        {t('costs.invoice', { month: invoice.month })} — {t(`costs.status.${invoice.status}`)}
      </h3>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('jobs.project')}</th>
            <th scope="col">{t('jobs.site')}</th>
            <th scope="col">{t('placement.gpu')}</th>
            <th scope="col">{t('costs.gpuHours')}</th>
            <th scope="col">{t('costs.unitPrice')}</th>
            <th scope="col">{t('costs.amount')}</th>
          </tr>
        </thead>
        <tbody>
          {invoice.lines.map((line, i) => (
            <tr key={i}>
              <td>
                {line.project}
                {line.period ? ` (${line.period})` : ''}
              </td>
              <td>
                {line.site}
                {line.simulated ? ` (${t('overview.simulated')})` : ''}
              </td>
              <td>
                {line.gpuModel} {line.offering}
              </td>
              <td>{line.gpuHours}</td>
              <td>{money(line.unitPrice)}</td>
              <td>{money(line.amount)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="facts">
        <dt>{t('costs.subtotal')}</dt>
        <dd>{money(invoice.subtotal)}</dd>
        <dt>{invoice.taxLabel}</dt>
        <dd>{money(invoice.tax)}</dd>
        <dt>{t('costs.total')}</dt>
        <dd data-testid="invoice-total">{money(invoice.total)}</dd>
      </dl>
      <p className="downloads">
        {(['csv', 'html', 'json'] as const).map((format) => (
          <button key={format} type="button" onClick={() => void download(format)}>
            {t('costs.download', { format: format.toUpperCase() })}
          </button>
        ))}
      </p>
      {error !== undefined ? <ProblemAlert error={error} /> : null}
    </article>
  );
}

/** Everything the tenant owns in one signed archive: the way to leave (docs/export-format.md). */
function ExportSection() {
  const { client } = useSession();
  const { t } = useLocale();
  const [error, setError] = useState<unknown>(undefined);
  const [isBusy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const chunks: Uint8Array[] = [];
      for await (const chunk of client.exportTenant()) chunks.push(chunk);
      saveDownload(chunks as BlobPart[], 'application/x-tar', 'usine-export.tar');
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="export-title">
      <h2 id="export-title">{t('costs.export')}</h2>
      <p>{t('costs.exportIntro')}</p>
      <button type="button" disabled={isBusy} onClick={() => void download()}>
        {t('costs.exportDownload')}
      </button>
      {error !== undefined ? <ProblemAlert error={error} /> : null}
    </section>
  );
}
