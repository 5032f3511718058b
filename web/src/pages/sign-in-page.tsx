import { useState, type FormEvent } from 'react';
import { ProblemAlert } from '../components/problem-alert.js';
import { useLocale } from '../i18n/locale.js';
import { openSession, type Session } from '../session.js';

export function SignInPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const { t } = useLocale();
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [isBusy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await openSession(key.trim()));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="content" className="sign-in" tabIndex={-1}>
      <h1>{t('signIn.title')}</h1>
      <p>{t('signIn.intro')}</p>
      <form onSubmit={submit}>
        <label htmlFor="api-key">{t('signIn.key')}</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          value={key}
          onChange={(e) => setKey(e.target.value)}
        />
        <button type="submit" disabled={isBusy || key.trim() === ''}>
          {t('signIn.submit')}
        </button>
      </form>
      <p className="hint">{t('signIn.hint')}</p>
      {error !== undefined ? <ProblemAlert error={error} /> : null}
    </main>
  );
}
