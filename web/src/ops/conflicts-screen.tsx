/**
 * conflicts-screen.tsx — where a coordinator decides between conflicting observations
 * (`/operations/:id/conflicts`): one device signed two or more different versions of one report,
 * and none counts until someone chooses. Reports to decide come first, grouped by route point;
 * each shows its versions side by side (received, device time, point, kind, vehicles, counts,
 * note, photos, whether each signature still verifies with the device's key), the rows that
 * differ marked in words, then a choice (a version, or none) with a required reason. A refusal
 * (a decision taken meanwhile by someone else, an empty reason) is said plainly and changes
 * nothing; a decision taken is shown with who, when and why, and can be changed knowingly.
 * Lazy-loaded by the app shell; its strings load with it (conflicts-strings.ts).
 */
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { ApiError, api, problemCode } from '../api/client.js';
import type { ConflictBody, ConflictList, ObservationConflict, OperationView } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useCount, useFormat } from '../i18n/format.js';
import { useLocalName } from '../i18n/names.js';
import { Link } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import { BackIcon } from '../ui/icons.js';
import { useLabel } from '../ui/labels.js';
import { TableScroll } from '../ui/table-scroll.js';
import './conflicts-strings.js';

type Tab = 'open' | 'resolved';
/** Notice is the screen's word on the last decision: recorded, or refused because of a decision taken meanwhile. */
type Notice = { readonly text: ReactNode; readonly refused: boolean };
type Names = { point(id: string): string };

/** conflictKey names one conflict in the page (anchors, React keys): device key and report id. */
const conflictKey = (c: ObservationConflict) => `conflict-${c.deviceKeyId}-${c.clientId}`;

export default function ConflictsScreen({ id }: { id: string }) {
  const { t } = useTranslation();
  const name = useLocalName();
  const op = useApi<OperationView>(`/api/ops/operations/${encodeURIComponent(id)}`);
  const list = useApi<ConflictList>(
    `/api/ops/operations/${encodeURIComponent(id)}/observation-conflicts?state=all`,
  );
  const [tab, setTab] = useState<Tab>('open');
  const [notice, setNotice] = useState<Notice | null>(null);

  const points = op.data?.routePoints ?? [];
  const names: Names = {
    point: (pid) => {
      const p = points.find((x) => x.id === pid);
      return p ? name(p) : pid;
    },
  };
  const conflicts = list.data?.conflicts ?? [];
  const shown = conflicts.filter((c) => c.state === tab);
  const count = (s: Tab) => conflicts.filter((c) => c.state === s).length;
  // Grouped by route point, in route order; a point the route does not know comes last.
  const order = (pid: string) => points.find((p) => p.id === pid)?.order ?? Number.MAX_SAFE_INTEGER;
  const groups = [...new Set(shown.map((c) => c.bodies[0]!.routePointId))].sort(
    (a, b) => order(a) - order(b),
  );

  return (
    <main id="main" className="conflicts">
      <p>
        <Link href={`/operations/${encodeURIComponent(id)}`}>
          <BackIcon /> {t('conflicts.back')}
        </Link>
      </p>
      <h1>
        {t('conflicts.title')}
        {op.data && (
          <>
            {' · '}
            <bdi translate="no">{name(op.data.operation)}</bdi>
          </>
        )}
      </h1>
      <p className="muted">{t('conflicts.intro')}</p>
      <ErrorMessage error={op.error ?? list.error} />
      {notice && (
        <p
          role={notice.refused ? 'alert' : 'status'}
          className={notice.refused ? 'error' : 'notice'}
          data-testid="conflict-notice"
          data-refused={notice.refused}
        >
          {notice.text}
        </p>
      )}
      {list.data && (
        <>
          <fieldset className="row tabs">
            <legend className="visually-hidden">{t('conflicts.show')}</legend>
            {(['open', 'resolved'] as const).map((s) => (
              <button
                key={s}
                type="button"
                aria-pressed={tab === s}
                className={tab === s ? 'primary' : undefined}
                onClick={() => setTab(s)}
                data-testid={`tab-${s}`}
              >
                {t(s === 'open' ? 'conflicts.openTab' : 'conflicts.decidedTab', { n: count(s) })}
              </button>
            ))}
          </fieldset>
          {list.data.truncated && <p className="muted">{t('conflicts.truncated')}</p>}
          {shown.length === 0 && (
            <p className="muted" data-testid="no-conflicts">
              {t(tab === 'open' ? 'conflicts.noneOpen' : 'conflicts.noneDecided')}
            </p>
          )}
          {groups.map((pid) => (
            <section key={pid} className="conflict-group" aria-labelledby={`point-${pid}`}>
              <h2 id={`point-${pid}`}>
                {t('conflicts.atPoint', { point: '' })}
                <bdi translate="no">{names.point(pid)}</bdi>
              </h2>
              {shown
                .filter((c) => c.bodies[0]!.routePointId === pid)
                .map((c) => (
                  <ConflictCard
                    key={conflictKey(c)}
                    conflict={c}
                    names={names}
                    onDecided={async (next) => {
                      setNotice(next);
                      await list.reload();
                    }}
                  />
                ))}
            </section>
          ))}
        </>
      )}
    </main>
  );
}

function ConflictCard({
  conflict: c,
  names,
  onDecided,
}: {
  conflict: ObservationConflict;
  names: Names;
  onDecided: (notice: Notice) => Promise<void>;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const headingId = useId();
  const [changing, setChanging] = useState(false);
  const open = c.state === 'open';
  return (
    <article
      className="card conflict"
      id={conflictKey(c)}
      aria-labelledby={headingId}
      data-testid="conflict"
      data-client-id={c.clientId}
      data-state={c.state}
    >
      <h3 id={headingId}>
        {t('conflicts.report')} <bdi translate="no">{c.clientId}</bdi>
      </h3>
      <dl className="conflict-facts">
        <dt>{t('conflicts.monitor')}</dt>
        <dd>
          <bdi translate="no">{c.monitorName ?? c.monitorId}</bdi>
        </dd>
        <dt>{t('conflicts.device')}</dt>
        <dd>
          {c.device ? (
            <>
              <bdi translate="no">{c.device.label}</bdi>{' '}
              <code translate="no">{c.deviceKeyId.slice(0, 11)}</code>
              {c.device.revokedAt && (
                <strong className="error-text">
                  {' '}
                  {t('conflicts.deviceRevoked', { time: f.dateTime(c.device.revokedAt) })}
                </strong>
              )}
            </>
          ) : (
            t('conflicts.deviceUnknown')
          )}
        </dd>
        <dt>{t('conflicts.firstRecorded')}</dt>
        <dd>
          <time dateTime={c.firstDeviceTime}>{f.dateTime(c.firstDeviceTime)}</time>
        </dd>
      </dl>
      <Versions conflict={c} names={names} />
      {c.resolution && <Decision conflict={c} />}
      {open || changing ? (
        <DecisionForm conflict={c} onDone={onDecided} onCancel={open ? null : () => setChanging(false)} />
      ) : (
        <p>
          <button type="button" onClick={() => setChanging(true)}>
            {t('conflicts.change')}
          </button>
        </p>
      )}
    </article>
  );
}

/** Row is one line of the side-by-side table: a label and each version's value. */
interface Row {
  readonly key: string;
  readonly label: string;
  readonly value: (b: ConflictBody) => string;
  /** Data (names, markings, hashes, free text) is marked translate="no". */
  readonly data?: boolean;
}

function Versions({ conflict: c, names }: { conflict: ObservationConflict; names: Names }) {
  const { t } = useTranslation();
  const f = useFormat();
  const label = useLabel();
  const category = (k: string) => (b: ConflictBody) => f.number(b.categories[k] ?? 0);
  const rows: Row[] = [
    { key: 'received', label: t('conflicts.receivedAt'), value: (b) => f.dateTime(b.receivedTime) },
    { key: 'device-time', label: t('conflicts.deviceTime'), value: (b) => f.dateTime(b.deviceTime) },
    { key: 'point', label: t('conflicts.point'), value: (b) => names.point(b.routePointId), data: true },
    { key: 'kind', label: t('conflicts.kind'), value: (b) => label('observationKind', b.kind) },
    {
      key: 'vehicles',
      label: t('conflicts.vehicles'),
      value: (b) => b.vehicles.map((v) => v.marking ?? v.id).join(', '),
      data: true,
    },
    { key: 'headcount', label: t('conflicts.headcount'), value: (b) => f.number(b.headcount) },
    { key: 'adults', label: t('conflicts.adults'), value: category('adults') },
    { key: 'children', label: t('conflicts.children'), value: category('children') },
    { key: 'medical', label: t('conflicts.medical'), value: category('medical') },
    { key: 'unaccompanied', label: t('conflicts.unaccompanied'), value: category('unaccompaniedMinors') },
    { key: 'note', label: t('conflicts.note'), value: (b) => b.note, data: true },
    { key: 'photos', label: t('conflicts.photos'), value: (b) => f.number(b.photos) },
    {
      key: 'signature',
      label: t('conflicts.signature'),
      value: (b) =>
        b.signatureValid ? `✓ ${t('conflicts.signatureValid')}` : `✗ ${t('conflicts.signatureInvalid')}`,
    },
    {
      key: 'status',
      label: t('conflicts.status'),
      value: (b) =>
        t(
          b.status === 'chosen'
            ? 'conflicts.statusChosen'
            : b.status === 'set-aside'
              ? 'conflicts.statusSetAside'
              : 'conflicts.statusHeld',
        ),
    },
    { key: 'sha256', label: t('conflicts.fingerprint'), value: (b) => b.sha256.slice(0, 16), data: true },
  ];
  return (
    <TableScroll name={t('conflicts.versions')}>
      <table className="versions" data-testid="versions">
        <caption>{t('conflicts.versions')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('conflicts.field')}</th>
            {c.bodies.map((b, i) => (
              <th scope="col" key={b.sha256} data-sha256={b.sha256}>
                {t('conflicts.version', { n: f.number(i + 1) })}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const values = c.bodies.map(row.value);
            const differs =
              row.key !== 'received' &&
              row.key !== 'sha256' &&
              row.key !== 'status' &&
              new Set(values).size > 1;
            return (
              <tr key={row.key} data-row={row.key} className={differs ? 'differs' : undefined}>
                <th scope="row">
                  {row.label}
                  {differs && <span className="badge differs-badge"> ≠ {t('conflicts.differs')}</span>}
                </th>
                {values.map((v, i) => (
                  <td
                    key={c.bodies[i]!.sha256}
                    className={
                      row.key === 'signature' && !c.bodies[i]!.signatureValid ? 'error-text' : undefined
                    }
                  >
                    {row.key === 'note' && v === '' ? (
                      <span className="muted">{t('conflicts.noNote')}</span>
                    ) : row.data ? (
                      <bdi translate="no" dir="auto">
                        {v}
                      </bdi>
                    ) : (
                      v
                    )}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** Decision is the latest decision on a conflict: which version stands, who, when and why. */
function Decision({ conflict: c }: { conflict: ObservationConflict }) {
  const { t } = useTranslation();
  const f = useFormat();
  const r = c.resolution!;
  const index = c.bodies.findIndex((b) => b.sha256 === r.chosenSha256);
  if (c.state === 'open')
    return (
      <p className="muted" data-testid="reopened">
        {t('conflicts.reopened', { time: f.dateTime(r.resolvedAt) })}
      </p>
    );
  return (
    <div className="decision" data-testid="decision">
      <p>
        <strong>
          {r.chosenSha256 === null
            ? t('conflicts.decidedNone')
            : t('conflicts.decidedVersion', { n: f.number(index + 1) })}
        </strong>{' '}
        <Trans
          i18nKey="conflicts.decidedBy"
          values={{ who: r.resolvedByName ?? r.resolvedBy, time: f.dateTime(r.resolvedAt) }}
          components={{ x: <bdi translate="no" /> }}
        />
      </p>
      <p>
        {t('conflicts.decidedReason')}{' '}
        <bdi translate="no" dir="auto" data-testid="decision-reason">
          {r.reason}
        </bdi>
      </p>
    </div>
  );
}

function DecisionForm({
  conflict: c,
  onDone,
  onCancel,
}: {
  conflict: ObservationConflict;
  onDone: (notice: Notice) => Promise<void>;
  onCancel: (() => void) | null;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const count = useCount();
  const ids = { legend: useId(), reason: useId(), hint: useId(), error: useId() };
  const [choice, setChoice] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const NONE = 'none';
  // The report id is data (Latin letters in an Arabic sentence): marked, never translated.
  const said = (key: string, values: Record<string, string>) => (
    <Trans i18nKey={key} values={values} components={{ x: <bdi translate="no" /> }} />
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setRefusal(null);
    setError(null);
    if (choice === null) {
      setRefusal(t('conflicts.needChoice'));
      return;
    }
    setBusy(true);
    try {
      await api('POST', '/api/ops/observation-conflicts/resolve', {
        deviceKeyId: c.deviceKeyId,
        clientId: c.clientId,
        chosenSha256: choice === NONE ? null : choice,
        reason,
        ...(c.state === 'resolved' ? { replace: true } : {}),
      });
      const index = c.bodies.findIndex((b) => b.sha256 === choice);
      const result =
        choice === NONE
          ? t('conflicts.decidedNone')
          : t('conflicts.decidedVersion', { n: f.number(index + 1) });
      await onDone({ text: said('conflicts.recorded', { report: c.clientId, result }), refused: false });
    } catch (err) {
      const code = err instanceof ApiError ? problemCode(err.type) : '';
      if (code === 'invalid-request') setRefusal(t('conflicts.refusedInvalid'));
      // A decision taken meanwhile (or a report gone) is said on the screen, whose list reloads
      // to show the decision as it stands: never guessed at, never overwritten.
      else if (code === 'conflict')
        await onDone({ text: said('conflicts.refusedDecided', { report: c.clientId }), refused: true });
      else if (code === 'not-found')
        await onDone({ text: said('conflicts.refusedGone', { report: c.clientId }), refused: true });
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="stack decision-form"
      onSubmit={(e) => void submit(e)}
      noValidate
      data-testid="decision-form"
    >
      <fieldset aria-describedby={refusal ? ids.error : undefined}>
        <legend id={ids.legend}>{t('conflicts.choose')}</legend>
        {c.state === 'resolved' && <p className="muted">{t('conflicts.changeHint')}</p>}
        {c.bodies.map((b, i) => (
          <label key={b.sha256} className="choice">
            <input
              type="radio"
              name={`choice-${c.deviceKeyId}-${c.clientId}`}
              value={b.sha256}
              checked={choice === b.sha256}
              onChange={() => setChoice(b.sha256)}
            />{' '}
            {t('conflicts.chooseVersion', {
              n: f.number(i + 1),
              people: b.headcount === null ? '—' : count('people', b.headcount),
              time: f.dateTime(b.receivedTime),
            })}
          </label>
        ))}
        <label className="choice">
          <input
            type="radio"
            name={`choice-${c.deviceKeyId}-${c.clientId}`}
            value={NONE}
            checked={choice === NONE}
            onChange={() => setChoice(NONE)}
          />{' '}
          {t('conflicts.chooseNone')}
        </label>
      </fieldset>
      <label htmlFor={ids.reason}>{t('conflicts.reason')}</label>
      <textarea
        id={ids.reason}
        required
        maxLength={2000}
        aria-describedby={ids.hint}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        dir="auto"
      />
      <p id={ids.hint} className="muted">
        {t('conflicts.reasonHint')}
      </p>
      {refusal && (
        <p id={ids.error} className="error" role="alert" data-testid="decision-refused">
          {refusal}
        </p>
      )}
      <ErrorMessage error={error} />
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('conflicts.deciding') : t('conflicts.decide')}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {t('conflicts.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
