/**
 * custody-timeline.tsx — every custody-log entry about an item, oldest first, each with a
 * "Verify" action that checks it in this browser (custody/verify-entry.ts): the leaf hash from
 * the entry's content, the inclusion proof up to the latest signed checkpoint, and the
 * checkpoint's Ed25519 signature against the log's (pinned) key. The result is said in words,
 * step by step, with the checkpoint's size and root for anyone who wants to compare.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustodyTimeline, TimelineEntry } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { type VerifyResult, verifyLogEntry } from '../custody/verify-entry.js';
import { useFormat } from '../i18n/format.js';
import { ErrorMessage } from '../ui/error-message.js';

function VerifyOutcome({ result }: { result: VerifyResult }) {
  const { t } = useTranslation();
  const f = useFormat();
  const headline = result.ok
    ? t('custody.verified')
    : result.pending
      ? t('custody.pending')
      : t('custody.failed');
  return (
    <div
      className={`verify-result ${result.ok ? 'ok' : result.pending ? 'pending' : 'bad'}`}
      role="status"
      data-testid="verify-result"
      data-outcome={result.ok ? 'verified' : result.pending ? 'pending' : 'failed'}
    >
      <p>
        <strong>{headline}</strong>
      </p>
      <ul>
        {result.steps.map((s) => (
          <li key={s.step} data-ok={s.ok}>
            {s.ok ? '✓ ' : '✗ '}
            {t(`custody.step.${s.step}`)}: {t(`custody.code.${s.code}`, { defaultValue: s.code })}
          </li>
        ))}
      </ul>
      {result.checkpoint && (
        <p className="muted">
          {t('custody.against', { size: f.number(result.checkpoint.size) })}{' '}
          <code translate="no" className="hash">
            {result.checkpoint.rootHex}
          </code>
        </p>
      )}
      {result.key && (
        <p className="muted">
          {t('custody.key')}{' '}
          <code translate="no">
            {result.key.name}+{result.key.hashHex}
          </code>
          {result.engine && (
            <>
              {' '}
              · {t('custody.engine')} <code translate="no">{result.engine}</code>
            </>
          )}
        </p>
      )}
    </div>
  );
}

function EntryRow({ entry }: { entry: TimelineEntry }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<VerifyResult | null>(null);
  const run = async () => {
    setBusy(true);
    try {
      setResult(await verifyLogEntry(entry.seq, entry.leafHash));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="custody-entry" data-seq={entry.seq} data-kind={entry.kind}>
      <div className="custody-head">
        <span className="seq" translate="no">
          #{entry.seq}
        </span>
        <strong>{t(`custody.kind.${entry.kind}`, { defaultValue: entry.kind })}</strong>
        <time dateTime={entry.at}>{f.dateTime(entry.at)}</time>
        <span>
          {t('custody.by')}{' '}
          {/* The username when the actor is an account; the id as logged otherwise (and on hover). */}
          <bdi translate="no" title={entry.actorName ? entry.actor : undefined}>
            {entry.actorName ?? entry.actor}
          </bdi>
        </span>
        <button
          type="button"
          onClick={() => void run()}
          disabled={busy}
          aria-describedby={`leaf-${entry.seq}`}
        >
          {busy ? t('custody.verifying') : t('custody.verify')}
        </button>
      </div>
      <p className="muted hash-line" id={`leaf-${entry.seq}`}>
        {t('custody.leaf')}{' '}
        <code translate="no" className="hash">
          {entry.leafHash}
        </code>
      </p>
      {result && <VerifyOutcome result={result} />}
    </li>
  );
}

export function CustodyTimelineSection({ ern }: { ern: string }) {
  const { t } = useTranslation();
  const { data, error, loading } = useApi<CustodyTimeline>(`/api/items/${ern}/custody`);
  return (
    <section aria-labelledby="custody-h" className="card" data-testid="custody">
      <h2 id="custody-h">{t('custody.title')}</h2>
      <p className="muted">{t('custody.explain')}</p>
      <ErrorMessage error={error} />
      {loading && <p role="status">{t('app.loading')}</p>}
      {data && (
        <ol className="custody-list">
          {data.entries.map((e) => (
            <EntryRow key={e.seq} entry={e} />
          ))}
        </ol>
      )}
    </section>
  );
}
