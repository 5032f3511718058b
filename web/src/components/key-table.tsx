import { useState } from 'react';
import type { KeyApiView } from '../../../src/api/key-schemas.js';
import { useLocale } from '../i18n/locale.js';
import { useSession } from '../session.js';
import { ProblemAlert } from './problem-alert.js';

/** Keys with their state; revoke and rotate where the caller may (a rotated secret is shown once). */
export function KeyTable({ keys, onChange }: { keys: readonly KeyApiView[]; onChange: () => void }) {
  const { client, may } = useSession();
  const { t, dateTime } = useLocale();
  const [secret, setSecret] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const act = async (work: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await work();
      onChange();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <>
      {secret ? <NewSecret secret={secret} /> : null}
      {error !== undefined ? <ProblemAlert error={error} /> : null}
      <table data-testid="keys">
        <thead>
          <tr>
            <th scope="col">{t('job.id')}</th>
            <th scope="col">{t('operator.role')}</th>
            <th scope="col">{t('jobs.project')}</th>
            <th scope="col">{t('operator.lastUsed')}</th>
            <th scope="col">{t('operator.state')}</th>
            <th scope="col">{t('operator.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => {
            const isLive =
              key.revokedAt === null && (key.expiresAt === null || key.expiresAt > new Date().toISOString());
            return (
              <tr key={key.id}>
                <td>
                  <code>{key.id}</code>
                </td>
                <td>{t(`role.${key.role as 'owner'}`)}</td>
                <td>{key.project ?? key.site ?? '—'}</td>
                <td>{key.lastUsedAt ? dateTime(key.lastUsedAt) : '—'}</td>
                <td>
                  {key.revokedAt
                    ? t('operator.revoked')
                    : isLive
                      ? t('operator.live')
                      : t('operator.expired')}
                </td>
                <td>
                  {isLive && may('key.revoke') && key.role !== 'admin' ? (
                    <button
                      type="button"
                      className="danger"
                      aria-label={t('operator.revokeKey', { id: key.id })}
                      onClick={() => void act(() => client.revokeKey(key.id))}
                    >
                      {t('operator.revoke')}
                    </button>
                  ) : null}{' '}
                  {isLive && may('key.revoke') ? (
                    <button
                      type="button"
                      aria-label={t('operator.rotateKey', { id: key.id })}
                      onClick={() => void act(async () => setSecret((await client.rotateKey(key.id)).key))}
                    >
                      {t('operator.rotate')}
                    </button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

/** A secret the server shows once: it is not kept anywhere by the console. */
export function NewSecret({ secret }: { secret: string }) {
  const { t } = useLocale();
  return (
    <div role="status" className="secret">
      <p>{t('operator.secretOnce')}</p>
      <code data-testid="new-secret">{secret}</code>
    </div>
  );
}
