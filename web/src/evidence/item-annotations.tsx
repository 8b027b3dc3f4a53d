/**
 * item-annotations.tsx — on the item page: the people, organisations, places and incidents the
 * analysis links to this item, and the analysts' tags and notes on it (src/analysis/annotations).
 * Both need analysis:read; adding needs analysis:write in the item's compartment, which the
 * server reports as `canWrite`. Notes are append-only: a correction is a new note.
 */
import { type FormEvent, useState } from 'react';
import '../analysis/strings.js';
import { useTranslation } from 'react-i18next';
import { RefLabel } from '../analysis/labels.js';
import type { Annotations, LinkList } from '../analysis/types.js';
import { ApiError, api } from '../api/client.js';
import { useApi } from '../api/use-api.js';
import { useFormat } from '../i18n/format.js';
import { Link } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';

/** tagId makes an element id from a tag (any script) that is stable and valid. */
function tagId(tag: string): string {
  return [...new TextEncoder().encode(tag)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** notHere: the caller reads items here but not their analysis (404 from the analysis routes). */
function notHere(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

export function LinkedRecordsSection({ ern }: { ern: string }) {
  const { t } = useTranslation();
  const { data, error } = useApi<LinkList>(`/api/links?${new URLSearchParams({ type: 'item', id: ern })}`);
  const links = data?.links ?? [];
  // The analysis of this item's compartment is not the caller's to read (another role there).
  if (notHere(error)) return null;
  return (
    <section aria-labelledby="linked-h" className="card" data-testid="linked-records">
      <h2 id="linked-h">{t('annotations.entities')}</h2>
      <ErrorMessage error={error} />
      {links.length === 0 ? (
        <p className="muted">{t('annotations.noEntities')}</p>
      ) : (
        <ul>
          {links.map((l) => {
            const other = l.from.type === 'item' && l.from.ern === ern ? l.to : l.from;
            const forward = other === l.to;
            return (
              <li key={l.id}>
                {forward ? null : (
                  <>
                    <RefLabel r={other} />{' '}
                  </>
                )}
                <span className="relation">
                  {t(`analysis.relations.${l.relation}`, { defaultValue: l.relation })}
                </span>
                {forward ? (
                  <>
                    {' '}
                    <RefLabel r={other} />
                  </>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      <p>
        <Link href="/analysis">{t('annotations.openAnalysis')}</Link>
      </p>
    </section>
  );
}

export function AnnotationsSection({ ern }: { ern: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const loaded = useApi<Annotations>(`/api/items/${ern}/annotations`);
  const [tag, setTag] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const data = loaded.data;
  if (notHere(loaded.error)) return null;

  const send = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await fn();
      setError(null);
      await loaded.reload();
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const addTag = async (e: FormEvent) => {
    e.preventDefault();
    if (!tag.trim()) return;
    if (await send(() => api('PATCH', `/api/items/${ern}/tags`, { add: [tag] }))) setTag('');
  };
  const addNote = async (e: FormEvent) => {
    e.preventDefault();
    if (!note.trim()) return;
    if (await send(() => api('POST', `/api/items/${ern}/notes`, { text: note }))) setNote('');
  };

  return (
    <>
      <section aria-labelledby="tags-h" className="card" data-testid="tags">
        <h2 id="tags-h">{t('annotations.tags')}</h2>
        <span id="tag-remove-label" hidden>
          {t('annotations.removeTag')}
        </span>
        <ErrorMessage error={loaded.error ?? error} />
        {data && data.tags.length === 0 && <p className="muted">{t('annotations.noTags')}</p>}
        {data && data.tags.length > 0 && (
          <ul className="tags">
            {data.tags.map((x) => (
              <li key={x.tag} className="tag">
                <bdi translate="no" id={`tag-${tagId(x.tag)}`}>
                  {x.tag}
                </bdi>
                {data.canWrite && (
                  // Named by reference: the tag is data, the verb is UI text.
                  <button
                    type="button"
                    className="tag-remove"
                    disabled={busy}
                    aria-labelledby={`tag-remove-label tag-${tagId(x.tag)}`}
                    onClick={() =>
                      void send(() => api('PATCH', `/api/items/${ern}/tags`, { remove: [x.tag] }))
                    }
                  >
                    ×
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {data?.canWrite && (
          <form className="inline" onSubmit={(e) => void addTag(e)}>
            <label>
              {t('annotations.addTag')}{' '}
              <input value={tag} dir="auto" maxLength={64} onChange={(e) => setTag(e.target.value)} />
            </label>
            <button type="submit" disabled={busy}>
              {t('annotations.addTag')}
            </button>
          </form>
        )}
      </section>
      <section aria-labelledby="notes-h" className="card" data-testid="notes">
        <h2 id="notes-h">{t('annotations.notes')}</h2>
        {data && data.notes.length === 0 && <p className="muted">{t('annotations.noNotes')}</p>}
        {data && data.notes.length > 0 && (
          <ol className="notes">
            {data.notes.map((n) => (
              <li key={n.id} className="note">
                <p className="note-text" dir="auto" translate="no">
                  {n.text}
                </p>
                <p className="muted">
                  <bdi translate="no">{n.createdBy}</bdi> ·{' '}
                  <time dateTime={n.createdAt}>{f.dateTime(n.createdAt)}</time>
                </p>
              </li>
            ))}
          </ol>
        )}
        {data?.canWrite && (
          <form onSubmit={(e) => void addNote(e)}>
            <label htmlFor="note-text">{t('annotations.addNote')}</label>
            <textarea
              id="note-text"
              dir="auto"
              rows={3}
              maxLength={10_000}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
            <p className="muted">{t('annotations.noteHint')}</p>
            <button type="submit" disabled={busy}>
              {t('annotations.addNote')}
            </button>
          </form>
        )}
      </section>
    </>
  );
}
