/**
 * rfa-export.tsx — building an RFA's package: `POST /api/exports` queues a durable job (202),
 * `GET /api/exports/:id` is polled while it runs (the API offers no stream for it), and a
 * finished package downloads from `/api/exports/:id/download` (a ZIP; its SHA-256 is shown to
 * compare with the one `attest verify-package` and the recipient compute). Items the consent
 * check leaves out are listed with why, as the exporter's report: nothing of them is in the ZIP.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { useFormat } from '../i18n/format.js';
import { ErrorMessage } from '../ui/error-message.js';
import { BlockText } from './rfa-blocks.js';
import type { Decision, ExportJob } from './types.js';

const POLL_MS = 1000;

function ExportRow({ job, decisions }: { job: ExportJob; decisions: readonly Decision[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const running = job.status !== 'done' && job.status !== 'failed';
  return (
    <li className="export" data-testid="export" data-status={job.status} data-id={job.id}>
      <p>
        <span className={`badge export-${job.status}`}>
          {t(`rfa.exportStatus.${job.status}`, { defaultValue: job.status })}
        </span>{' '}
        {job.redacted && <span className="badge">{t('rfa.redactedVersions')}</span>}{' '}
        <span className="muted">{f.dateTime(job.createdAt)}</span>
      </p>
      {running && (
        <p className="meter-row">
          <progress max={100} value={job.progress} aria-label={t('rfa.exportProgress')} />
          <span>{t('rfa.progress', { percent: job.progress, done: job.done, total: job.total })}</span>
        </p>
      )}
      {job.status === 'failed' && (
        <p className="error" role="alert">
          {t('rfa.exportFailed', { attempts: job.attempts })} <span translate="no">{job.error}</span>
        </p>
      )}
      {job.status === 'done' && (
        <div className="stack">
          <p>{t('rfa.exportDone', { items: job.items })}</p>
          <p>
            <a
              className="button primary"
              href={`/api/exports/${job.id}/download`}
              download
              data-testid="download-package"
            >
              {t('rfa.download')}
            </a>
          </p>
          {job.sha256 && (
            <p className="muted">
              {t('rfa.packageHash')}{' '}
              <code className="hash" translate="no">
                {job.sha256}
              </code>
            </p>
          )}
        </div>
      )}
      {job.excluded.length > 0 && (
        <details>
          <summary>{t('rfa.leftOut', { n: job.excluded.length })}</summary>
          <ul>
            {job.excluded.map((x) => {
              const d = decisions.find((dd) => dd.ern === x.ern);
              return (
                <li key={x.ern}>
                  <span translate="no">{x.ern}</span>:{' '}
                  {d && d.blocks.length > 0 ? (
                    d.blocks.map((b) => <BlockText key={`${b.subject}/${b.rule}`} block={b} />)
                  ) : (
                    <span lang="en" translate="no">
                      {x.reasons.join('; ')}
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </details>
      )}
    </li>
  );
}

export function ExportSection({
  rfaRef,
  decisions,
  canExport,
}: {
  rfaRef: string;
  decisions: readonly Decision[];
  canExport: boolean;
}) {
  const { t } = useTranslation();
  const [jobs, setJobs] = useState<ExportJob[]>([]);
  const [redacted, setRedacted] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const r = await api<{ exports: ExportJob[] }>('GET', '/api/exports');
      setJobs(r.exports.filter((e) => e.target === rfaRef));
    } catch (err) {
      setError(err);
    }
  }, [rfaRef]);

  useEffect(() => {
    if (canExport) void load();
  }, [load, canExport]);

  const active = jobs.some((j) => j.status !== 'done' && j.status !== 'failed');
  // Poll while a package is being built; stop once every one is done or failed.
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      void (async () => {
        const open = jobs.filter((j) => j.status !== 'done' && j.status !== 'failed');
        try {
          const fresh = await Promise.all(open.map((j) => api<ExportJob>('GET', `/api/exports/${j.id}`)));
          setJobs((old) => old.map((j) => fresh.find((x) => x.id === j.id) ?? j));
        } catch (err) {
          setError(err);
        }
      })();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [active, jobs]);

  if (!canExport) return null;
  const start = async () => {
    setBusy(true);
    try {
      const job = await api<ExportJob>('POST', '/api/exports', { target: rfaRef, redacted });
      setJobs((old) => [job, ...old.filter((j) => j.id !== job.id)]);
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const sorted = [...jobs].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <section className="card" aria-labelledby="export-h" data-testid="exports">
      <h2 id="export-h">{t('rfa.package')}</h2>
      <p className="muted">{t('rfa.packageExplain')}</p>
      <div className="row">
        <label className="choice">
          <input type="checkbox" checked={redacted} onChange={(e) => setRedacted(e.target.checked)} />
          {t('rfa.useRedacted')}
        </label>
        <button type="button" className="primary" onClick={() => void start()} disabled={busy}>
          {t('rfa.build')}
        </button>
      </div>
      <ErrorMessage error={error} />
      {sorted.length > 0 && (
        <ul className="exports" aria-live="polite">
          {sorted.map((j) => (
            <ExportRow key={j.id} job={j} decisions={decisions} />
          ))}
        </ul>
      )}
    </section>
  );
}
