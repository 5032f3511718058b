import { useEffect, useState } from 'react';
import type { JobEvent, UsineClient } from '../../../src/sdk/usine-client.js';
import { useLocale } from '../i18n/locale.js';
import { ProblemAlert } from './problem-alert.js';

/** The job's state changes as they happen (the API's Server-Sent Events); `onEvent` after each. */
export function JobEvents({
  client,
  jobId,
  onEvent,
}: {
  client: UsineClient;
  jobId: string;
  onEvent: () => void;
}) {
  const { t, dateTime } = useLocale();
  const [events, setEvents] = useState<readonly JobEvent[]>([]);
  const [isLive, setLive] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    const abort = new AbortController();
    setEvents([]);
    setLive(true);
    void (async () => {
      try {
        for await (const event of client.streamEvents(jobId, { signal: abort.signal })) {
          setEvents((before) => [...before, event]);
          onEvent();
        }
      } catch (failure) {
        if (!abort.signal.aborted) setError(failure);
      }
      if (!abort.signal.aborted) setLive(false);
    })();
    return () => abort.abort();
  }, [client, jobId, onEvent]);
  return (
    <section aria-labelledby="events-title" className="events">
      <h2 id="events-title">
        {t('job.events')} {isLive ? <span className="live">({t('job.eventsLive')})</span> : null}
      </h2>
      {error !== undefined ? <ProblemAlert error={error} /> : null}
      {events.length === 0 ? (
        <p>{t('job.noEvents')}</p>
      ) : (
        <ol data-testid="events">
          {events.map((e) => (
            <li key={e.id} data-type={e.type}>
              <span className="event-type">{e.type}</span>
              {typeof e.data['at'] === 'string' ? (
                <time dateTime={e.data['at']}> {dateTime(e.data['at'])}</time>
              ) : null}
              {describeEvent(e.data)}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** The event's own fields beside its time, as `name: value`. */
function describeEvent(data: Record<string, unknown>): string {
  const fields = Object.entries(data).filter(([name, value]) => name !== 'at' && typeof value !== 'object');
  return fields.length === 0
    ? ''
    : ` — ${fields.map(([name, value]) => `${name}: ${String(value)}`).join(', ')}`;
}
