/**
 * monitor-screen.tsx — the monitor app (phone first): record what passes a checkpoint (vehicles
 * found by marking or a whole convoy at once, counts in any digits), sign it on the device, queue
 * it in IndexedDB and send it when the network allows, with each item's state in view. Works offline after one online visit: the shell comes from the service worker,
 * the assignment (operation, route points, vehicles) from the IndexedDB cache.
 */
import { liveQuery } from 'dexie';
import { type FormEvent, useCallback, useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client.js';
import type { MonitorData, ObservationBody, ObservationKind, OperationSummary } from '../api/types.js';
import { useSession } from '../auth/session.js';
import { useCount } from '../i18n/format.js';
import { usePointName } from '../ops/dashboard-sections.js';
import { ExerciseBanner } from '../ops/exercise-banner.js';
import { ErrorMessage } from '../ui/error-message.js';
import { SyncIcon } from '../ui/icons.js';
import { useLabel } from '../ui/labels.js';
import { cacheGet, cachePut, db, type QueuedObservation } from './db.js';
import { ed25519Supported, signObservation } from './device-key.js';
import { DeviceList } from './device-list.js';
import { DeviceName } from './device-name.js';
import { parseCount } from './digits.js';
import { currentStamp, type LocationStamp } from './location.js';
import { QueueList } from './queue-list.js';
import { syncQueue } from './sync.js';
import { type AssignedConvoy, type AssignedVehicle, VehiclePicker } from './vehicle-picker.js';

const KINDS: readonly ObservationKind[] = ['departure', 'checkpoint', 'arrival', 'turned-back'];
const CATEGORIES = ['adults', 'children', 'medical', 'unaccompaniedMinors'] as const;
const CATEGORY_LABEL = {
  adults: 'monitor.adults',
  children: 'monitor.children',
  medical: 'monitor.medical',
  unaccompaniedMinors: 'monitor.unaccompanied',
} as const;

function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}

/** fetchOrCache GETs `path` and caches it; offline, it returns the cached copy. */
async function fetchOrCache<T>(path: string): Promise<T | null> {
  try {
    const value = await api<T>('GET', path);
    await cachePut(path, value);
    return value;
  } catch (err) {
    if (err instanceof ApiError && err.isNetwork) return cacheGet<T>(path);
    throw err;
  }
}

function useQueue(): QueuedObservation[] {
  const [items, setItems] = useState<QueuedObservation[]>([]);
  useEffect(() => {
    const sub = liveQuery(() => db.queue.orderBy('createdAt').reverse().toArray()).subscribe({
      next: setItems,
      error: () => undefined,
    });
    return () => sub.unsubscribe();
  }, []);
  return items;
}

function defaultKind(pointKind: string | undefined): ObservationKind {
  if (pointKind === 'origin') return 'departure';
  if (pointKind === 'destination') return 'arrival';
  return 'checkpoint';
}

/** Assignment is the monitor's cached assignment: convoys, and the fields the server accepts. */
type Assignment = Omit<MonitorData, 'vehicles'> & {
  readonly vehicles: readonly AssignedVehicle[];
  readonly convoys?: readonly AssignedConvoy[];
  readonly observationFields?: readonly string[];
};

export default function MonitorScreen() {
  const { t } = useTranslation();
  const { state } = useSession();
  const userId = state.status === 'signed-in' ? state.me.id : '';
  const online = useOnline();
  const queue = useQueue();
  const [operations, setOperations] = useState<OperationSummary[] | null>(null);
  const [operationId, setOperationId] = useState<string | null>(null);
  const [data, setData] = useState<Assignment | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [syncing, setSyncing] = useState(false);
  const [cryptoOk, setCryptoOk] = useState(true);
  const opName = usePointName();

  useEffect(() => {
    void ed25519Supported().then(setCryptoOk);
    void navigator.storage?.persist?.().catch(() => false);
  }, []);

  // The operations this monitor may record for, and the one chosen last time.
  useEffect(() => {
    let stop = false;
    (async () => {
      const list = await fetchOrCache<{ operations: OperationSummary[] }>('/api/ops/operations');
      if (stop) return;
      const ops = (list?.operations ?? []).filter((o) => o.status !== 'completed');
      setOperations(ops);
      const last = await cacheGet<string>('monitor.operation');
      setOperationId(ops.find((o) => o.id === last)?.id ?? ops[0]?.id ?? null);
    })().catch(setError);
    return () => {
      stop = true;
    };
  }, []);

  useEffect(() => {
    if (!operationId) return;
    let stop = false;
    void cachePut('monitor.operation', operationId);
    fetchOrCache<Assignment>(`/api/ops/operations/${encodeURIComponent(operationId)}/monitor`)
      .then((d) => {
        if (!stop) setData(d);
      })
      .catch(setError);
    return () => {
      stop = true;
    };
  }, [operationId]);

  const sync = useCallback(async () => {
    if (!userId) return;
    setSyncing(true);
    try {
      await syncQueue(userId);
      setError(null);
    } catch (err) {
      if (!(err instanceof ApiError && err.isNetwork)) setError(err);
    } finally {
      setSyncing(false);
    }
  }, [userId]);

  // Send on start (if online) and whenever the network comes back.
  useEffect(() => {
    if (navigator.onLine) void sync();
    const on = () => void sync();
    window.addEventListener('online', on);
    return () => window.removeEventListener('online', on);
  }, [sync]);

  const pending = queue.filter((q) => q.state === 'queued' || q.state === 'sent').length;

  return (
    <main id="main" className="monitor">
      <div className={online ? 'netbar online' : 'netbar offline'} role="status" data-testid="network">
        <span>{online ? t('monitor.online') : t('monitor.offline')}</span>
        <button type="button" onClick={() => void sync()} disabled={!online || syncing || pending === 0}>
          <SyncIcon /> {syncing ? t('monitor.syncing') : t('monitor.syncNow')}
        </button>
      </div>
      <ExerciseBanner exercise={data?.operation.exercise} />
      <h1>{t('monitor.title')}</h1>
      {!cryptoOk && (
        <p className="error" role="alert">
          {t('monitor.cryptoMissing')}
        </p>
      )}
      <ErrorMessage error={error} />
      {operations && operations.length === 0 && <p>{t('monitor.noOperations')}</p>}
      {operations && operations.length > 1 && (
        <label className="field">
          {t('monitor.operation')}
          <select value={operationId ?? ''} onChange={(e) => setOperationId(e.target.value)}>
            {operations.map((o) => (
              <option key={o.id} value={o.id} translate="no">
                {opName(o)}
                {o.exercise ? ` (${t('exercise.tag')})` : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      {data && cryptoOk && <ObservationForm data={data} onQueued={() => void (navigator.onLine && sync())} />}
      <QueueList items={queue} />
      <DeviceName version={queue.length - pending} />
      <DeviceList online={online} version={queue.length - pending} />
    </main>
  );
}

function ObservationForm({ data, onQueued }: { data: Assignment; onQueued: () => void }) {
  const { t } = useTranslation();
  const label = useLabel();
  const name = usePointName();
  const formId = useId();
  const points = useMemo(() => [...data.routePoints].sort((a, b) => a.order - b.order), [data]);
  const [pointId, setPointId] = useState(points[0]?.id ?? '');
  const point = points.find((p) => p.id === pointId);
  const [kind, setKind] = useState<ObservationKind>(defaultKind(point?.kind));
  const [vehicleIds, setVehicleIds] = useState<ReadonlySet<string>>(new Set());
  const [headcount, setHeadcount] = useState('');
  const [categories, setCategories] = useState<Record<(typeof CATEGORIES)[number], string>>({
    adults: '',
    children: '',
    medical: '',
    unaccompaniedMinors: '',
  });
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState<File[]>([]);
  const [withLocation, setWithLocation] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<'plain' | 'located' | 'no-fix' | null>(null);
  const [busy, setBusy] = useState(false);
  const count = useCount();
  // The server lists `location` among the observation fields it accepts once it verifies GPS stamps.
  const acceptsLocation = data.observationFields?.includes('location') === true && 'geolocation' in navigator;

  const choosePoint = (id: string) => {
    setPointId(id);
    setKind(defaultKind(points.find((p) => p.id === id)?.kind));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const people = parseCount(headcount);
    if (people === null) return setProblem(t('monitor.invalidCount'));
    if (vehicleIds.size === 0) return setProblem(t('monitor.chooseVehicle'));
    const cats = {} as Record<(typeof CATEGORIES)[number], number>;
    for (const c of CATEGORIES) {
      const n = categories[c].trim() === '' ? 0 : parseCount(categories[c]);
      if (n === null) return setProblem(t('monitor.invalidCount'));
      cats[c] = n;
    }
    setProblem(null);
    setBusy(true);
    try {
      const location = acceptsLocation && withLocation ? await currentStamp() : null;
      const chosen = data.vehicles.filter((v) => vehicleIds.has(v.id));
      const body: ObservationBody & { location?: LocationStamp } = {
        clientId: crypto.randomUUID(),
        operationId: data.operation.id,
        routePointId: pointId,
        deviceTime: new Date().toISOString(),
        kind,
        vehicleIds: chosen.map((v) => v.id).sort(),
        headcount: people,
        categories: cats,
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(photos.length > 0 ? { photoSha256: await Promise.all(photos.map(sha256Hex)) } : {}),
        ...(location ? { location } : {}),
      };
      const signature = await signObservation(body);
      await db.queue.add({
        clientId: body.clientId,
        body,
        signature,
        state: 'queued',
        reason: null,
        createdAt: Date.now(),
        attempts: 0,
        serverId: null,
        photos,
        labels: {
          point: point?.name ?? pointId,
          pointAr: point?.nameAr ?? null,
          markings: chosen.map((v) => v.marking),
        },
      });
      setDone(location ? 'located' : acceptsLocation && withLocation ? 'no-fix' : 'plain');
      setVehicleIds(new Set());
      setHeadcount('');
      setCategories({ adults: '', children: '', medical: '', unaccompaniedMinors: '' });
      setNote('');
      setPhotos([]);
      onQueued();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack observation" onSubmit={submit} aria-labelledby={`${formId}-h`}>
      <h2 id={`${formId}-h`} className="visually-hidden">
        {t('monitor.title')}
      </h2>
      <label className="field">
        {t('monitor.point')}
        <select name="point" value={pointId} onChange={(e) => choosePoint(e.target.value)}>
          {points.map((p) => (
            <option key={p.id} value={p.id}>
              {name(p)} · {label('pointKind', p.kind)}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>{t('monitor.kind')}</legend>
        <div className="choices">
          {KINDS.map((k) => (
            <label key={k} className="choice">
              <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
              {t(`observationKind.${k}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <VehiclePicker
        vehicles={data.vehicles}
        convoys={data.convoys ?? []}
        selected={vehicleIds}
        onChange={setVehicleIds}
      />
      <label className="field">
        {t('monitor.headcount')}
        <input
          name="headcount"
          inputMode="numeric"
          required
          autoComplete="off"
          aria-describedby={`${formId}-digits`}
          value={headcount}
          onChange={(e) => setHeadcount(e.target.value)}
        />
      </label>
      <p id={`${formId}-digits`} className="hint">
        {t('monitor.digitsHint')}
      </p>
      <fieldset>
        <legend>{t('monitor.categories')}</legend>
        <div className="grid-2">
          {CATEGORIES.map((c) => (
            <label key={c} className="field">
              {t(CATEGORY_LABEL[c])}
              <input
                name={c}
                inputMode="numeric"
                autoComplete="off"
                value={categories[c]}
                onChange={(e) => setCategories((s) => ({ ...s, [c]: e.target.value }))}
              />
            </label>
          ))}
        </div>
      </fieldset>
      <label className="field">
        {t('monitor.note')}
        <textarea name="note" maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <label className="field">
        {t('monitor.photo')}
        <input
          type="file"
          name="photo"
          accept="image/*"
          capture="environment"
          multiple
          onChange={(e) => setPhotos([...(e.target.files ?? [])])}
        />
      </label>
      {photos.length > 0 && (
        <p className="muted">{t('monitor.photoKept', { photos: count('photos', photos.length) })}</p>
      )}
      {acceptsLocation && (
        <label className="choice">
          <input type="checkbox" checked={withLocation} onChange={(e) => setWithLocation(e.target.checked)} />
          {t('monitor.withLocation')}
        </label>
      )}
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {done && (
        <p role="status">
          {t('monitor.recorded')}
          {done === 'located' && ` ${t('monitor.located')}`}
          {done === 'no-fix' && ` ${t('monitor.noFix')}`}
        </p>
      )}
      <button type="submit" className="primary big" disabled={busy}>
        {t('monitor.record')}
      </button>
    </form>
  );
}

/** sha256Hex is the lowercase hex SHA-256 of a photo, signed in the observation before upload. */
async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
