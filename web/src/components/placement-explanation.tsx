import { useId } from 'react';
import type { toPlacementView } from '../../../src/domain/placement/placement-view.js';
import type { ReasonCode } from '../../../src/domain/placement/rejection-reason.js';
import { useLocale } from '../i18n/locale.js';

export type PlacementView = ReturnType<typeof toPlacementView> & { remote?: unknown };

/** Whether a job's `placement` is the placement's JSON (and not null or a stranger's shape). */
export function isPlacementView(value: unknown): value is PlacementView {
  return typeof value === 'object' && value !== null && 'rejected' in value && 'ranked' in value;
}

/**
 * Where the job went and why: the chosen site and offering with its estimate, the rules that
 * applied, the other sites that fit, and every rejected site with all its reasons. The reasons'
 * sentences are the server's (they name the rule and where it came from); their codes are named
 * in the reader's language.
 */
export function PlacementExplanation({ placement }: { placement: PlacementView }) {
  const { t, money, number } = useLocale();
  const d = placement.decision;
  const titleId = useId();
  return (
    <section aria-labelledby={titleId} className="placement">
      <h2 id={titleId}>{t('placement.title')}</h2>
      {d ? (
        <div className="decision" data-testid="decision">
          <p className="chosen">
            <strong>
              {t('placement.chosen', { site: d.site, provider: d.provider, country: d.country })}
            </strong>
            {d.preferred ? ` — ${t('placement.preferred')}` : ''}
          </p>
          <p>
            {t('placement.offering', {
              gpu: d.gpuModel,
              memory: d.gpuMemoryGiB,
              offering: d.offering,
              price: money(d.pricePerGpuHour),
            })}
          </p>
          <p>
            {t('placement.objective', {
              objective: t(`placement.objective.${placement.objective as 'cost' | 'time' | 'carbon'}`),
            })}
          </p>
          <dl className="estimate" aria-label={t('placement.estimate')}>
            <dt>{t('placement.cost')}</dt>
            <dd>{money(d.estimatedCost)}</dd>
            <dt>{t('placement.energy')}</dt>
            <dd>{number(d.energyKWh)} kWh</dd>
            <dt>{t('placement.carbon')}</dt>
            <dd>
              {d.carbonKg === null
                ? t('placement.carbonUnknown')
                : `${number(d.carbonKg)} kg CO₂e (${number(d.gridCarbonGPerKWh ?? 0, 0)} g/kWh)`}
            </dd>
          </dl>
        </div>
      ) : (
        <p className="no-decision" data-testid="no-decision">
          {placement.feasible ? t('placement.noDecision') : t('placement.none')}
        </p>
      )}
      {placement.constraints.length > 0 ? (
        <>
          <h3>{t('placement.constraints')}</h3>
          <ul className="constraints">
            {placement.constraints.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </>
      ) : null}
      {placement.ranked.length > 0 ? (
        <>
          <h3>{t('placement.alternatives')}</h3>
          <table className="ranked">
            <thead>
              <tr>
                <th scope="col">{t('placement.rank')}</th>
                <th scope="col">{t('jobs.site')}</th>
                <th scope="col">{t('placement.gpu')}</th>
                <th scope="col">{t('placement.price')}</th>
                <th scope="col">{t('placement.cost')}</th>
              </tr>
            </thead>
            <tbody>
              {placement.ranked.map((o, i) => (
                <tr key={`${o.site}-${o.gpuModel}-${o.offering}`}>
                  <td>{i + 1}</td>
                  <td>
                    {o.site}
                    {o.preferred ? ` (${t('placement.preferred')})` : ''}
                  </td>
                  <td>
                    {o.gpuModel} {o.offering}
                  </td>
                  <td>{money(o.pricePerGpuHour)}</td>
                  <td>{money(o.estimatedCost)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {placement.rejected.length > 0 ? (
        <>
          <h3>{t('placement.rejected')}</h3>
          <ul className="rejected" data-testid="rejected">
            {placement.rejected.map((r) => (
              <li key={r.site}>
                <strong>{r.site}</strong>
                <ul>
                  {r.reasons.map((reason, i) => (
                    <li key={i} data-code={reason.code}>
                      <span className="reason-code">{t(`reason.${reason.code as ReasonCode}`)}</span>:{' '}
                      {reason.message}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {isPlacementView(placement.remote) ? (
        <div className="remote">
          <p>{t('placement.remote')}</p>
          <PlacementExplanation placement={placement.remote} />
        </div>
      ) : null}
    </section>
  );
}
