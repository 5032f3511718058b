import type { BudgetStatusView } from '../../../src/api/metering-schemas.js';
import { useLocale } from '../i18n/locale.js';

/** Budgets with this month's use of each (a meter), the alerts reached, and whether new jobs wait. */
export function BudgetTable({ items }: { items: readonly BudgetStatusView[] }) {
  const { t, money, number } = useLocale();
  return (
    <>
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
    </>
  );
}
