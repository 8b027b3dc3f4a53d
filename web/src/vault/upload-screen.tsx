/**
 * upload-screen.tsx — adding evidence (`/evidence/upload`): one provenance form for a batch,
 * files dropped (or chosen) onto the page, each sent as a resumable tus upload with its own
 * progress (three at a time), then its intake followed until done — failures shown with their
 * reason and a retry. A dropped connection is retried with back-off and resumed from the
 * server's offset when the browser is back online; nothing already sent is sent again.
 */
import { type DragEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { IntakeState } from '../api/types.js';
import { useSession } from '../auth/session.js';
import { JobProgress, RetryButton } from '../evidence/intake-status.js';
import { useFormat } from '../i18n/format.js';
import { Link } from '../router.js';
import {
  ProvenanceForm,
  type ProvenanceValues,
  provenanceProblem,
  toMetadata,
  writableCompartments,
} from './provenance-form.js';
import './strings.js';
import { failureReason } from './failure-reason.js';
import { startUpload, type UploadFailure, type UploadHandle } from './tus-upload.js';

const PARALLEL = 3;
const INTAKE_POLL_MS = 2000;

type RowState = 'ready' | 'waiting' | 'uploading' | 'retrying' | 'paused' | 'failed' | 'sent';

interface Row {
  readonly key: string;
  readonly file: File;
  title: string;
  state: RowState;
  sent: number;
  failure: UploadFailure | null;
  ern: string | null;
  intake: IntakeState | null;
}

let nextKey = 0;

export default function UploadScreen() {
  const { t } = useTranslation();
  const f = useFormat();
  const { state } = useSession();
  const me = state.status === 'signed-in' ? state.me : null;
  const [rows, setRows] = useState<Row[]>([]);
  const [dragging, setDragging] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const handles = useRef(new Map<string, UploadHandle>());
  const [prov, setProv] = useState<ProvenanceValues>(() => {
    const comps = me ? writableCompartments(me) : { any: true, list: [] };
    return {
      source: '',
      collectedAt: '',
      timeUnknown: false,
      place: '',
      placePcode: '',
      collectedBy: me?.username ?? '',
      compartment: comps.any ? 'general' : (comps.list[0] ?? ''),
    };
  });

  const patch = useCallback((key: string, p: Partial<Row>) => {
    setRows((old) => old.map((r) => (r.key === key ? { ...r, ...p } : r)));
  }, []);

  const add = (files: FileList | File[]) => {
    const added = [...files].map(
      (file): Row => ({
        key: `f${nextKey++}`,
        file,
        title: file.name,
        state: 'ready',
        sent: 0,
        failure: null,
        ern: null,
        intake: null,
      }),
    );
    setRows((old) => [...old, ...added]);
  };

  const begin = useCallback(
    (row: Row) => {
      patch(row.key, { state: 'uploading', failure: null });
      const metadata = {
        ...toMetadata(prov),
        filename: row.file.name,
        title: row.title.trim() || row.file.name,
      };
      handles.current.set(
        row.key,
        startUpload(row.file, metadata, {
          onProgress: (sent) => patch(row.key, { sent, state: 'uploading' }),
          onRetrying: () => patch(row.key, { state: 'retrying' }),
          onDone: (ern) => {
            handles.current.delete(row.key);
            patch(row.key, { state: 'sent', sent: row.file.size, ern });
          },
          onError: (failure) => patch(row.key, { state: 'failed', failure }),
        }),
      );
    },
    [prov, patch],
  );

  // Start waiting rows, PARALLEL at a time.
  useEffect(() => {
    const active = rows.filter((r) => r.state === 'uploading' || r.state === 'retrying').length;
    const next = rows.filter((r) => r.state === 'waiting').slice(0, Math.max(0, PARALLEL - active));
    for (const r of next) begin(r);
  }, [rows, begin]);

  // Back online: uploads stopped by the network start again, from the server's offset (the
  // upload's URL is remembered on this device). A pause the user chose stays a pause.
  useEffect(() => {
    const online = () => {
      for (const r of rows) if (r.state === 'failed' && r.failure?.status === null) begin(r);
    };
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, [rows, begin]);

  /** remove drops a row; an upload the server holds for it is deleted, freeing the user's quota. */
  const remove = (key: string) => {
    void handles.current
      .get(key)
      ?.stop(true)
      .catch(() => undefined);
    handles.current.delete(key);
    setRows((old) => old.filter((x) => x.key !== key));
  };

  // Follow intake of the items sent until each is done or failed.
  const following = rows
    .filter((r) => r.ern && r.intake?.state !== 'done' && r.intake?.state !== 'failed')
    .map((r) => `${r.key}:${r.ern}`)
    .join(',');
  useEffect(() => {
    if (!following) return;
    const poll = async () => {
      for (const pair of following.split(',')) {
        const [key, ern] = pair.split(':') as [string, string];
        try {
          patch(key, { intake: await api<IntakeState>('GET', `/api/items/${ern}/intake`) });
        } catch {
          // Transient: the next round asks again.
        }
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), INTAKE_POLL_MS);
    return () => clearInterval(timer);
  }, [following, patch]);

  const ready = rows.filter((r) => r.state === 'ready');
  const startAll = () => {
    const p = provenanceProblem(prov);
    setProblem(p);
    if (p) return;
    setRows((old) => old.map((r) => (r.state === 'ready' ? { ...r, state: 'waiting' } : r)));
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (e.dataTransfer.files.length > 0) add(e.dataTransfer.files);
  };

  if (!me) return null;
  return (
    <main id="main" className="upload-page">
      <p className="crumbs">
        <Link href="/evidence">{t('evidence.title')}</Link>
      </p>
      <h1>{t('upload.title')}</h1>
      <ProvenanceForm me={me} value={prov} onChange={setProv} problem={problem} />
      {problem && (
        <p className="error" role="alert">
          {t(`upload.missing.${problem}`)}
        </p>
      )}
      {/* biome-ignore lint/a11y/noStaticElementInteractions: the drop zone is a shortcut; the file input inside it is the accessible way. */}
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        data-testid="drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>{t('upload.drop')}</p>
        <label className="button">
          {t('upload.choose')}
          <input
            type="file"
            multiple
            className="visually-hidden"
            onChange={(e) => {
              if (e.target.files) add(e.target.files);
              e.target.value = '';
            }}
          />
        </label>
      </div>
      {rows.length > 0 && (
        <section aria-labelledby="queue-h" className="card">
          <h2 id="queue-h">{t('upload.files')}</h2>
          <ul className="upload-list" data-testid="uploads">
            {rows.map((r) => (
              <li key={r.key} data-state={r.state} data-file={r.file.name} data-ern={r.ern ?? ''}>
                <div className="upload-head">
                  <bdi translate="no" className="file-name" id={`file-${r.key}`}>
                    {r.file.name}
                  </bdi>
                  <span className="muted">{t('evidence.bytes', { size: f.number(r.file.size) })}</span>
                  {r.state === 'ready' ? (
                    <label>
                      {t('upload.itemTitle')}{' '}
                      <input
                        value={r.title}
                        maxLength={500}
                        onChange={(e) => patch(r.key, { title: e.target.value })}
                      />
                    </label>
                  ) : null}
                </div>
                <div className="upload-state">
                  <span className={`badge upload-${r.state}`}>{t(`upload.state.${r.state}`)}</span>{' '}
                  {r.state !== 'ready' && r.state !== 'sent' && (
                    <>
                      <progress
                        max={r.file.size || 1}
                        value={r.sent}
                        // Named by the file's name (data, marked translate="no"), not by a sentence
                        // holding it: an attribute cannot mark the name as untranslatable.
                        aria-labelledby={`file-${r.key}`}
                      />{' '}
                      {f.progress(r.sent, r.file.size)}
                    </>
                  )}
                  {(r.state === 'uploading' || r.state === 'retrying') && (
                    <button
                      type="button"
                      onClick={() =>
                        void handles.current
                          .get(r.key)
                          ?.stop()
                          .then(() => patch(r.key, { state: 'paused' }))
                      }
                    >
                      {t('upload.pause')}
                    </button>
                  )}
                  {r.state === 'paused' && handles.current.get(r.key) && (
                    <button
                      type="button"
                      onClick={() => {
                        patch(r.key, { state: 'uploading', failure: null });
                        handles.current.get(r.key)?.resume();
                      }}
                    >
                      {t('upload.resume')}
                    </button>
                  )}
                  {r.state === 'failed' && (
                    <button type="button" onClick={() => begin(r)}>
                      {t('upload.retry')}
                    </button>
                  )}
                  {(r.state === 'ready' || r.state === 'failed') && (
                    <button type="button" onClick={() => remove(r.key)}>
                      {t('upload.remove')}
                    </button>
                  )}
                </div>
                {r.failure && (
                  <div className="upload-failure" role="alert" data-testid="upload-failure">
                    <p className="error-text" data-reason={failureReason(r.failure)}>
                      {t(`upload.failure.${failureReason(r.failure)}`)}
                    </p>
                    {r.failure.detail && (
                      <p className="muted">
                        {t('upload.serverSaid')}{' '}
                        <span lang="en" dir="ltr" translate="no">
                          {r.failure.detail}
                        </span>
                      </p>
                    )}
                  </div>
                )}
                {r.ern && (
                  <p className="upload-intake">
                    <Link href={`/evidence/${r.ern}`} translate="no">
                      {r.ern}
                    </Link>{' '}
                    {r.intake ? <JobProgress job={r.intake.job} state={r.intake.state} /> : null}{' '}
                    {r.intake?.job && r.intake.state === 'failed' && (
                      <RetryButton
                        job={r.intake.job}
                        onDone={() => patch(r.key, { intake: { ...r.intake!, state: 'queued' } })}
                      />
                    )}
                  </p>
                )}
              </li>
            ))}
          </ul>
          {ready.length > 0 && (
            <button type="button" className="primary" onClick={startAll}>
              {t('upload.start', { n: f.number(ready.length) })}
            </button>
          )}
        </section>
      )}
    </main>
  );
}
