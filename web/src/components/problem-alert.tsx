import { UsineApiError } from '../../../src/sdk/usine-client.js';
import { useLocale } from '../i18n/locale.js';

/** An API failure as the server described it: its problem+json title, detail and fields at fault. */
export function ProblemAlert({ error }: { error: unknown }) {
  const { t } = useLocale();
  if (!(error instanceof UsineApiError)) {
    return (
      <div role="alert" className="problem">
        <p className="problem-title">{t('error.network')}</p>
        <p>{error instanceof Error ? error.message : String(error)}</p>
      </div>
    );
  }
  const problem = error.problem;
  return (
    <div role="alert" className="problem">
      <p className="problem-title">
        {problem?.title ?? t('error.title')} <span className="code">({problem?.code ?? error.status})</span>
      </p>
      {problem?.detail ? <p>{problem.detail}</p> : null}
      {problem?.errors && problem.errors.length > 0 ? (
        <ul>
          {problem.errors.map((e, i) => (
            <li key={i}>
              <code>
                {e.line !== undefined ? `${e.line}:${e.col ?? 1}: ` : ''}
                {e.path}
              </code>
              : {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
