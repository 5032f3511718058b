import { useState } from 'react';
import type { ProviderScorecardsView } from '../../../src/api/provider-schemas.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { useLocale } from '../i18n/locale.js';
import { saveDownload } from '../save-download.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';

type Card = ProviderScorecardsView['providers'][number];
type Criterion = 'infrastructure' | 'partners' | 'exit' | 'compliance' | 'scalability' | 'pricing';

/**
 * The providers' due-diligence dossiers side by side: the six criteria with the tenant's weights,
 * each score with its answer's age (stale and open ones marked), the evidence, and the
 * questionnaire for what a dossier leaves open, to download in French or English.
 */
export function ProvidersPage() {
  const { client } = useSession();
  const { t, number } = useLocale();
  const [cards] = useApi(() => client.listProviders(), [client]);
  if (cards.state === 'loading') return <p role="status">{t('app.loading')}</p>;
  if (cards.state === 'failed') return <ProblemAlert error={cards.error} />;
  const { providers, weights, policy } = cards.value;
  // the checklist's order, as the server writes every scorecard
  const criteria = Object.keys(providers[0]?.criteria ?? weights) as Criterion[];
  return (
    <>
      <h1>{t('providers.title')}</h1>
      <p>{policy ? t('providers.weightsOf', { policy }) : t('providers.equalWeights')}</p>
      <table data-testid="scorecard" className="scorecard">
        <thead>
          <tr>
            <th scope="col">{t('providers.criterion')}</th>
            <th scope="col">{t('providers.weight')}</th>
            {providers.map((p) => (
              <th scope="col" key={p.name}>
                {p.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {criteria.map((c) => (
            <tr key={c}>
              <th scope="row">{t(`criterion.${c}`)}</th>
              <td>{weights[c] ?? 1}</td>
              {providers.map((p) => (
                <td key={p.name} data-status={p.criteria[c]?.status}>
                  <Cell card={p} criterion={c} />
                </td>
              ))}
            </tr>
          ))}
          <tr>
            <th scope="row">{t('providers.total')}</th>
            <td />
            {providers.map((p) => (
              <td key={p.name}>
                <strong>{number(p.total, 2)} / 5</strong>
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      {providers.map((p) => (
        <Dossier key={p.name} card={p} criteria={criteria} />
      ))}
    </>
  );
}

function Cell({ card, criterion }: { card: Card; criterion: string }) {
  const { t } = useLocale();
  const s = card.criteria[criterion];
  if (!s || s.status === 'open') return <span className="invalid">{t('providers.open')}</span>;
  return (
    <>
      {s.score}/5{s.status === 'stale' ? <span className="invalid"> {t('providers.stale')}</span> : null}{' '}
      <span className="hint">({t('providers.age', { days: s.ageDays ?? 0 })})</span>
    </>
  );
}

function Dossier({ card, criteria }: { card: Card; criteria: readonly Criterion[] }) {
  const { client } = useSession();
  const { t } = useLocale();
  const [error, setError] = useState<unknown>(undefined);
  const download = async (lang: 'en' | 'fr') => {
    setError(undefined);
    try {
      const text = await client.getProviderRfp(card.name, lang);
      saveDownload([text], 'text/markdown', `rfp-${card.name}-${lang}.md`);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <section aria-label={card.name} className="dossier">
      <h2>
        {card.name} — {card.legalName}
      </h2>
      <dl className="facts">
        {criteria.map((c) => {
          const s = card.criteria[c];
          const missing = s?.reasons.filter((r) => r.points <= 0).map((r) => r.message) ?? [];
          return (
            <div key={c} className="fact">
              <dt>{t(`criterion.${c}`)}</dt>
              <dd>
                {s?.answer ?? t('providers.open')}
                {s?.asOf ? ` (${s.asOf})` : ''}
                {s && s.evidence.length > 0 ? (
                  <ul>
                    {s.evidence.map((link) => (
                      <li key={link}>
                        <a href={link} rel="noreferrer" target="_blank">
                          {link}
                        </a>
                      </li>
                    ))}
                  </ul>
                ) : null}
                {missing.length > 0 && s?.status !== 'open' ? (
                  <p className="hint">
                    {t('providers.missing')} {missing.join('; ')}
                  </p>
                ) : null}
              </dd>
            </div>
          );
        })}
      </dl>
      <p className="downloads">
        <button type="button" onClick={() => void download('fr')}>
          {t('providers.rfp', { lang: 'français' })}
        </button>
        <button type="button" onClick={() => void download('en')}>
          {t('providers.rfp', { lang: 'English' })}
        </button>
      </p>
      {error !== undefined ? <ProblemAlert error={error} /> : null}
    </section>
  );
}
