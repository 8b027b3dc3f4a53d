/**
 * health-panel.tsx — the server's health for administrators (`GET /api/admin/health`, refreshed
 * every 10 s): the job queue by state and kind and how long its oldest job has waited, failed
 * jobs with their reason and a retry, storage used, and the custody log — last signed checkpoint
 * and its age, entries not yet in one, the signer's state — and its witnesses (C2SP
 * tlog-witness): who cosigned what and when, who is failing and why, whether the quorum cosigned
 * the latest checkpoint. Problems are said in words.
 */
import type { Static } from '@sinclair/typebox';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HealthSchema } from '../../../src/health/schemas.js';
import { api } from '../api/client.js';
import { useApi } from '../api/use-api.js';
import { useDuration, useFormat } from '../i18n/format.js';
import { Link } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import { TableScroll } from '../ui/table-scroll.js';

type Health = Static<typeof HealthSchema>;

const REFRESH_MS = 10_000;
/** A checkpoint older than this many checkpoint periods while entries wait is a problem. */
const STALE_PERIODS = 3;
/** Witnesses get this long to cosign a new checkpoint before a missing quorum is a problem. */
const WITNESS_GRACE_SECONDS = 120;

function bytes(n: number, f: ReturnType<typeof useFormat>): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${f.number(Math.round(v * 10) / 10)} ${units[u]}`;
}

function RetryJob({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <button
        type="button"
        onClick={async () => {
          try {
            await api('POST', `/api/admin/jobs/${id}/retry`);
            setError(null);
            onDone();
          } catch (err) {
            setError(err);
          }
        }}
      >
        {t('intake.retry')}
      </button>
      <ErrorMessage error={error} />
    </>
  );
}

type T = ReturnType<typeof useTranslation>['t'];

/** witnessProblems: a witness that refused the log's history, and a quorum missing past the grace. */
function witnessProblems(h: Health, t: T, f: ReturnType<typeof useFormat>): string[] {
  const w = h.witnesses;
  if (!w.configured) return [];
  const forks = w.witnesses.filter((x) => x.fork).length;
  const out = forks > 0 ? [t('health.witnessFork', { n: f.number(forks) })] : [];
  const age = h.log.checkpoint?.ageSeconds ?? 0;
  if (w.latest && !w.quorumMet && (age > WITNESS_GRACE_SECONDS || w.witnesses.some((x) => x.lastError)))
    out.push(t('health.quorumNotMet', { n: f.number(w.latest.cosignedBy), quorum: f.number(w.quorum) }));
  return out;
}

function WitnessTable({ h }: { h: Health }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <TableScroll name={t('health.witnessTable')}>
      <table data-testid="witnesses">
        <caption>{t('health.witnessTable')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('health.witnessName')}</th>
            <th scope="col">{t('health.witnessCosigned')}</th>
            <th scope="col">{t('health.witnessState')}</th>
          </tr>
        </thead>
        <tbody>
          {h.witnesses.witnesses.map((w) => (
            <tr key={w.vkey} data-witness={w.name}>
              <th scope="row">
                <bdi translate="no">{w.name}</bdi>
              </th>
              <td>
                {w.cosignedSize !== null && w.cosignedAt
                  ? t('health.witnessCosignedLine', {
                      size: f.number(w.cosignedSize),
                      time: f.dateTime(w.cosignedAt),
                      ago: f.ago((w.ageSeconds ?? 0) * 1000),
                    })
                  : t('health.witnessNever')}
              </td>
              <td className={w.lastError ? 'error-text' : undefined}>
                {w.fork
                  ? `${t('health.witnessForkShort')} — `
                  : w.lastError
                    ? `${t('health.witnessFailing', { n: f.number(w.failures) })} `
                    : w.cosignedLatest
                      ? t('health.witnessOk')
                      : t('health.witnessBehind')}
                {w.lastError && <bdi translate="no">{w.lastError.code}</bdi>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** WitnessErrors lists each failing witness's last error in full, wrapped (the table stays narrow). */
function WitnessErrors({ h }: { h: Health }) {
  const f = useFormat();
  const failing = h.witnesses.witnesses.filter((w) => w.lastError);
  if (failing.length === 0) return null;
  return (
    <ul className="failed-jobs" data-testid="witness-errors">
      {failing.map((w) => (
        <li key={w.vkey}>
          <strong>
            <bdi translate="no">{w.name}</bdi>
          </strong>{' '}
          <span className="error-text">
            <bdi translate="no">
              {w.lastError!.code}: {w.lastError!.message}
            </bdi>
          </span>{' '}
          <span className="muted">{f.dateTime(w.lastError!.at)}</span>
        </li>
      ))}
    </ul>
  );
}

export function HealthPanel() {
  const { t } = useTranslation();
  const f = useFormat();
  const duration = useDuration();
  const { data: h, error, reload } = useApi<Health>('/api/admin/health');
  useEffect(() => {
    const timer = setInterval(() => void reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  if (!h) return <ErrorMessage error={error} />;
  const cp = h.log.checkpoint;
  const stale = cp !== null && cp.behind > 0 && cp.ageSeconds > STALE_PERIODS * h.log.checkpointSeconds;
  const waited = h.jobs.oldestQueuedAt ? Date.parse(h.at) - Date.parse(h.jobs.oldestQueuedAt) : 0;
  const problems = [
    h.log.signer === 'refused' && t('health.signerRefused'),
    cp === null && h.log.size > 0 && t('health.noCheckpoint'),
    stale && t('health.checkpointStale'),
    h.jobs.failed > 0 && t('health.jobsFailed', { n: f.number(h.jobs.failed) }),
    ...witnessProblems(h, t, f),
  ].filter(Boolean) as string[];
  return (
    <section aria-labelledby="health-h" data-testid="health">
      <h2 id="health-h">{t('health.title')}</h2>
      <ErrorMessage error={error} />
      <p className="muted">
        {h.scope === 'deployment' ? t('health.scopeAll') : t('health.scopeSome')} ·{' '}
        {t('health.asOf', { time: f.time(h.at) })}
      </p>
      <div className={problems.length > 0 ? 'error' : 'ok-box'} role="status" data-testid="health-summary">
        {problems.length > 0 ? (
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : (
          t('health.allWell')
        )}
      </div>
      <div className="health-grid">
        <section className="card" aria-labelledby="h-queue">
          <h3 id="h-queue">{t('health.queue')}</h3>
          <dl className="item-facts">
            <dt>{t('intake.state.queued')}</dt>
            <dd data-testid="queued">{f.number(h.jobs.queued)}</dd>
            <dt>{t('intake.state.running')}</dt>
            <dd>{f.number(h.jobs.running)}</dd>
            <dt>{t('intake.state.done')}</dt>
            <dd>{f.number(h.jobs.done)}</dd>
            <dt>{t('intake.state.failed')}</dt>
            <dd data-testid="failed">{f.number(h.jobs.failed)}</dd>
            <dt>{t('health.oldestWaiting')}</dt>
            <dd>{h.jobs.oldestQueuedAt ? duration(waited) : t('health.none')}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="h-log">
          <h3 id="h-log">{t('health.log')}</h3>
          <dl className="item-facts">
            <dt>{t('health.entries')}</dt>
            <dd>{f.number(h.log.size)}</dd>
            <dt>{t('health.lastCheckpoint')}</dt>
            <dd data-testid="checkpoint">
              {cp
                ? t('health.checkpointLine', {
                    size: f.number(cp.size),
                    time: f.dateTime(cp.at),
                    ago: f.ago(cp.ageSeconds * 1000),
                  })
                : t('health.none')}
            </dd>
            <dt>{t('health.behind')}</dt>
            <dd>{f.number(cp ? cp.behind : h.log.size)}</dd>
            <dt>{t('health.signer')}</dt>
            <dd>{h.log.signer === 'ok' ? t('health.signerOk') : t('health.signerRefusedShort')}</dd>
            <dt>{t('health.witnesses')}</dt>
            <dd data-testid="witness-quorum">
              {h.witnesses.configured && h.witnesses.latest
                ? t('health.quorumLine', {
                    n: f.number(h.witnesses.latest.cosignedBy),
                    quorum: f.number(h.witnesses.quorum),
                  })
                : h.witnesses.configured
                  ? t('health.witnessesOn')
                  : t('health.witnessesOff')}
            </dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="h-storage">
          <h3 id="h-storage">{t('health.storage')}</h3>
          {h.storage ? (
            <dl className="item-facts">
              <dt>{t('health.bytes')}</dt>
              <dd data-testid="storage" translate="no">
                {bytes(h.storage.bytes, f)}
              </dd>
              <dt>{t('health.blobs')}</dt>
              <dd>{f.number(h.storage.blobs)}</dd>
              <dt>{t('health.items')}</dt>
              <dd>{f.number(h.storage.items)}</dd>
            </dl>
          ) : (
            <p className="muted">{t('health.storageHidden')}</p>
          )}
        </section>
      </div>
      {h.witnesses.configured && <WitnessTable h={h} />}
      {h.witnesses.configured && <WitnessErrors h={h} />}
      {h.jobs.byKind.length > 0 && (
        <TableScroll name={t('health.byKind')}>
          <table>
            <caption>{t('health.byKind')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('health.kind')}</th>
                <th scope="col">{t('intake.state.queued')}</th>
                <th scope="col">{t('intake.state.running')}</th>
                <th scope="col">{t('intake.state.done')}</th>
                <th scope="col">{t('intake.state.failed')}</th>
              </tr>
            </thead>
            <tbody>
              {h.jobs.byKind.map((k) => (
                <tr key={k.kind}>
                  <th scope="row">
                    {t(`health.jobKind.${k.kind.replace(/\./g, '_')}`, { defaultValue: k.kind })}
                  </th>
                  <td className="num">{f.number(k.queued)}</td>
                  <td className="num">{f.number(k.running)}</td>
                  <td className="num">{f.number(k.done)}</td>
                  <td className="num">{f.number(k.failed)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <h3>{t('health.failedJobs')}</h3>
      {h.failedJobs.length === 0 ? (
        <p className="muted">{t('health.noFailures')}</p>
      ) : (
        <ul className="failed-jobs" data-testid="failed-jobs">
          {h.failedJobs.map((j) => (
            <li key={j.id} data-job={j.id}>
              <strong>{t(`health.jobKind.${j.kind.replace(/\./g, '_')}`, { defaultValue: j.kind })}</strong>{' '}
              {j.itemErn && (
                <Link href={`/evidence/${j.itemErn}`} translate="no">
                  {j.itemErn}
                </Link>
              )}{' '}
              <span className="error-text">
                <bdi translate="no">
                  {j.errorCode}
                  {j.error ? `: ${j.error}` : ''}
                </bdi>
              </span>{' '}
              <span className="muted">
                {t('intake.attempts', { n: f.number(j.attempts), max: f.number(j.maxAttempts) })} ·{' '}
                {f.dateTime(j.updatedAt)}
              </span>{' '}
              <RetryJob id={j.id} onDone={() => void reload()} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
