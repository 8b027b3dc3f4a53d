/**
 * intake-status.tsx — where an item's intake stands: queued, running (with its progress and
 * note), done, or failed with the reason and a retry for those who may write items.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { IntakeState, Job } from '../api/types.js';
import { useFormat } from '../i18n/format.js';
import { ErrorMessage } from '../ui/error-message.js';

/** JobProgress is a job's state in words with a progress bar while it runs. */
export function JobProgress({ job, state }: { job: Job | null; state: IntakeState['state'] }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <span className="job-progress" data-state={state}>
      <span className={`badge state-${state}`}>{t(`intake.state.${state}`)}</span>
      {job && state === 'running' && (
        <>
          {' '}
          <progress max={100} value={job.progress} aria-label={t('intake.progress')} />{' '}
          {f.percent(job.progress / 100)}
          {job.progressNote && (
            <span className="muted">
              {' '}
              · <bdi translate="no">{job.progressNote}</bdi>
            </span>
          )}
        </>
      )}
      {job && state === 'failed' && (
        <span className="error-text" data-testid="job-error">
          {' '}
          <bdi translate="no">{job.errorCode ?? ''}</bdi>
          {job.error ? (
            <>
              : <bdi translate="no">{job.error}</bdi>
            </>
          ) : null}{' '}
          {t('intake.attempts', { n: f.number(job.attempts), max: f.number(job.maxAttempts) })}
        </span>
      )}
    </span>
  );
}

/** RetryButton re-runs a failed (or finished) job. */
export function RetryButton({ job, onDone }: { job: Job; onDone: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await api('POST', `/api/jobs/${job.id}/retry`);
            setError(null);
            onDone();
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        {t('intake.retry')}
      </button>
      <ErrorMessage error={error} />
    </>
  );
}

export function IntakeStatus({
  intake,
  canRetry,
  onRetried,
}: {
  intake: IntakeState;
  canRetry: boolean;
  onRetried: () => void;
}) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="intake-h" className="card" data-testid="intake">
      <h2 id="intake-h">{t('intake.title')}</h2>
      <p aria-live="polite">
        <JobProgress job={intake.job} state={intake.state} />
      </p>
      {intake.job && intake.state === 'failed' && canRetry && (
        <RetryButton job={intake.job} onDone={onRetried} />
      )}
    </section>
  );
}
