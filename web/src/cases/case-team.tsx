/**
 * case-team.tsx — a case's notes (added, never edited: `POST /api/cases/:ref/notes`) and its team
 * (`PUT /api/cases/:ref/team/:user`, by username; the server accepts only users who may read the
 * case and answers any other as unknown).
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { useFormat } from '../i18n/format.js';
import { ErrorMessage } from '../ui/error-message.js';
import type { CaseDetail } from './types.js';

const MEMBER_ROLES = ['lead', 'member', 'reviewer'] as const;

export function NotesSection({
  detail,
  canWrite,
  onChanged,
}: {
  detail: CaseDetail;
  canWrite: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const [body, setBody] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await api('POST', `/api/cases/${detail.ref}/notes`, { body });
      setBody('');
      setError(null);
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="notes-h" data-testid="notes">
      <h2 id="notes-h">{t('cases.notes')}</h2>
      {detail.notes.length === 0 && <p className="muted">{t('cases.noNotes')}</p>}
      <ol className="notes">
        {[...detail.notes].reverse().map((n) => (
          <li key={n.id}>
            <p className="note-meta muted">
              <bdi translate="no">{n.authorName ?? n.author}</bdi> ·{' '}
              <time dateTime={n.at}>{f.dateTime(n.at)}</time>
            </p>
            <p className="note-body" dir="auto" translate="no">
              {n.body}
            </p>
          </li>
        ))}
      </ol>
      {canWrite && (
        <form className="stack" onSubmit={(e) => void submit(e)}>
          <label>
            {t('cases.newNote')}
            <textarea value={body} onChange={(e) => setBody(e.target.value)} maxLength={20_000} dir="auto" />
          </label>
          <ErrorMessage error={error} />
          <div>
            <button type="submit" disabled={busy || body.trim() === ''}>
              {t('cases.addNote')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

export function TeamSection({
  detail,
  canWrite,
  onChanged,
}: {
  detail: CaseDetail;
  canWrite: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const [user, setUser] = useState('');
  const [role, setRole] = useState<(typeof MEMBER_ROLES)[number]>('member');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api('PUT', `/api/cases/${detail.ref}/team/${encodeURIComponent(user.trim())}`, { role });
      setUser('');
      setError(null);
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card" aria-labelledby="team-h" data-testid="team">
      <h2 id="team-h">{t('cases.team')}</h2>
      <ul className="team">
        {detail.team.map((m) => (
          <li key={m.userId}>
            <bdi translate="no">{m.username ?? m.userId}</bdi>{' '}
            <span className="badge">{t(`cases.memberRole.${m.role}`, { defaultValue: m.role })}</span>
          </li>
        ))}
      </ul>
      {canWrite && (
        <form className="row" onSubmit={(e) => void submit(e)}>
          <label>
            {t('cases.username')}
            <input
              value={user}
              onChange={(e) => setUser(e.target.value)}
              autoComplete="off"
              translate="no"
              dir="ltr"
              maxLength={128}
            />
          </label>
          <label>
            {t('cases.memberRoleLabel')}
            <select value={role} onChange={(e) => setRole(e.target.value as (typeof MEMBER_ROLES)[number])}>
              {MEMBER_ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`cases.memberRole.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={user.trim() === ''}>
            {t('cases.addMember')}
          </button>
          <ErrorMessage error={error} />
        </form>
      )}
    </section>
  );
}
