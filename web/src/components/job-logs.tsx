import { useEffect, useRef, useState } from 'react';
import type { UsineClient } from '../../../src/sdk/usine-client.js';
import { useLocale } from '../i18n/locale.js';
import { ProblemAlert } from './problem-alert.js';

/**
 * The job's output, followed live until the job ends. Chunks are gathered and drawn at most once
 * per frame, so a job writing thousands of lines a second costs one render a frame, not one a line.
 */
export function JobLogs({ client, jobId }: { client: UsineClient; jobId: string }) {
  const { t } = useLocale();
  const [text, setText] = useState('');
  const [isFollowing, setFollowing] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  const pending = useRef('');
  useEffect(() => {
    const abort = new AbortController();
    let frame = 0;
    const flush = () => {
      frame = 0;
      const chunk = pending.current;
      pending.current = '';
      setText((before) => before + chunk);
    };
    setText('');
    setFollowing(true);
    void (async () => {
      try {
        for await (const chunk of client.streamLogs(jobId, true, { signal: abort.signal })) {
          pending.current += chunk;
          if (frame === 0) frame = requestAnimationFrame(flush);
        }
      } catch (failure) {
        if (!abort.signal.aborted) setError(failure);
      }
      if (!abort.signal.aborted) {
        if (frame !== 0) cancelAnimationFrame(frame);
        flush();
        setFollowing(false);
      }
    })();
    return () => {
      abort.abort();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [client, jobId]);
  return (
    <section aria-labelledby="logs-title" className="logs">
      <h2 id="logs-title">{t('job.logs')}</h2>
      {isFollowing ? (
        <p className="live" role="status">
          {t('job.logsFollow')}
        </p>
      ) : null}
      {error !== undefined ? <ProblemAlert error={error} /> : null}
      <pre tabIndex={0} aria-label={t('job.logs')} data-testid="logs">
        {text === '' && !isFollowing ? t('job.noLogs') : text}
      </pre>
    </section>
  );
}
