import { useState } from 'react';
import { isFinished, type JobStatus } from '../../../src/domain/jobs/lifecycle.js';
import { JobEvents } from '../components/job-events.js';
import { JobLogs } from '../components/job-logs.js';
import { JobUsage } from '../components/job-usage.js';
import { isPlacementView, PlacementExplanation } from '../components/placement-explanation.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { StatusBadge } from '../components/status-badge.js';
import { useLocale } from '../i18n/locale.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';

/** One job: where it went and why, what it waits for, its events and logs live; cancel. */
export function JobPage({ jobId }: { jobId: string }) {
  const { client, caller, may } = useSession();
  const { t, dateTime } = useLocale();
  const [loaded, reload] = useApi(() => client.getJob(jobId), [client, jobId]);
  const [cancelError, setCancelError] = useState<unknown>(undefined);
  const [isCancelAsked, setCancelAsked] = useState(false);
  if (loaded.state === 'loading') return <p role="status">{t('app.loading')}</p>;
  if (loaded.state === 'failed') return <ProblemAlert error={loaded.error} />;
  const job = loaded.value;
  const cancel = async () => {
    setCancelError(undefined);
    try {
      await client.cancelJob(job.id);
      setCancelAsked(true);
      reload();
    } catch (failure) {
      setCancelError(failure);
    }
  };
  const isOver = isFinished(job.status as JobStatus);
  return (
    <>
      <h1>{t('job.title', { name: job.name })}</h1>
      <section aria-labelledby="summary-title">
        <h2 id="summary-title">{t('job.summary')}</h2>
        <dl className="facts">
          <dt>{t('job.id')}</dt>
          <dd>
            <code>{job.id}</code>
          </dd>
          <dt>{t('job.status')}</dt>
          <dd data-testid="job-status">
            <StatusBadge status={job.status} />
          </dd>
          <dt>{t('job.project')}</dt>
          <dd>{job.project}</dd>
          <dt>{t('job.site')}</dt>
          <dd>{job.site ?? '—'}</dd>
          {job.waiting ? (
            <>
              <dt>{t('job.waiting')}</dt>
              <dd data-testid="waiting">
                <span className="reason-code">{job.waiting.code}</span>: {job.waiting.message}
              </dd>
            </>
          ) : job.reason ? (
            <>
              <dt>{t('job.reason')}</dt>
              <dd>{job.reason}</dd>
            </>
          ) : null}
          {job.startedAt ? (
            <>
              <dt>{t('job.started')}</dt>
              <dd>{dateTime(job.startedAt)}</dd>
            </>
          ) : null}
          {job.finishedAt ? (
            <>
              <dt>{t('job.finished')}</dt>
              <dd>{dateTime(job.finishedAt)}</dd>
            </>
          ) : null}
          {job.exitCode !== null ? (
            <>
              <dt>{t('job.exitCode')}</dt>
              <dd>{job.exitCode}</dd>
            </>
          ) : null}
        </dl>
        {may('job.cancel') && !isOver ? (
          <button type="button" className="danger" onClick={cancel}>
            {t('job.cancel')}
          </button>
        ) : null}
        {isCancelAsked ? <p role="status">{t('job.cancelled')}</p> : null}
        {cancelError !== undefined ? <ProblemAlert error={cancelError} /> : null}
      </section>
      {isPlacementView(job.placement) ? <PlacementExplanation placement={job.placement} /> : null}
      {may('usage.read') && caller.tenantId !== null ? (
        <JobUsage client={client} jobId={job.id} round={job.updatedAt} />
      ) : null}
      <JobEvents client={client} jobId={job.id} onEvent={reload} />
      <JobLogs client={client} jobId={job.id} />
    </>
  );
}
