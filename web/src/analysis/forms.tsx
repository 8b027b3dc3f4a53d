/**
 * forms.tsx — recording analysis records from the screen: an incident (type, title, uncertain
 * start and end, place from the gazetteer in any spelling, compartment) and an entity (kind,
 * names, protection with the pseudonym it needs). The compartment list is where the user may
 * write analysis (analysis:write); the server checks again and its refusal is shown.
 */
import { type FormEvent, type ReactNode, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLE_PERMISSIONS } from '../../../src/access/permissions.js';
import { ENTITY_KINDS, INCIDENT_TYPES } from '../../../src/analysis/vocabulary.js';
import { api } from '../api/client.js';
import type { Me } from '../api/types.js';
import { type Guard, NameFields, type Names, ProtectionFields } from './entity-fields.js';
import { ProblemMessage } from './problem-text.js';
import type { Entity, IncidentSummary, PlaceCandidates } from './types.js';

/** writableCompartments lists where `me` may record analysis ('*' → any name may be typed). */
export function analysisCompartments(me: Me): { list: string[]; any: boolean } {
  const grants = me.grants.filter((g) =>
    (ROLE_PERMISSIONS[g.role as keyof typeof ROLE_PERMISSIONS] ?? []).includes('analysis:write'),
  );
  return {
    any: grants.some((g) => g.compartment === '*'),
    list: [...new Set(grants.map((g) => g.compartment).filter((c) => c !== '*'))].sort(),
  };
}

/** holdsIn says whether `me` holds `permission` in `compartment` (or in every compartment). */
export function holdsIn(me: Me, permission: string, compartment: string): boolean {
  return me.grants.some(
    (g) =>
      (g.compartment === '*' || g.compartment === compartment) &&
      ((ROLE_PERMISSIONS[g.role as keyof typeof ROLE_PERMISSIONS] ?? []) as readonly string[]).includes(
        permission,
      ),
  );
}

function CompartmentField({ me, value, onChange }: { me: Me; value: string; onChange: (v: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const c = analysisCompartments(me);
  return (
    <div>
      <label htmlFor={id}>{t('analysis.compartment')}</label>{' '}
      {c.any ? (
        <input
          id={id}
          value={value}
          required
          maxLength={63}
          pattern="[a-z0-9][a-z0-9\-]{0,62}"
          translate="no"
          onChange={(e) => onChange(e.target.value)}
        />
      ) : (
        <select id={id} value={value} translate="no" onChange={(e) => onChange(e.target.value)}>
          {c.list.map((x) => (
            <option key={x} value={x}>
              {x}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}

function defaultCompartment(me: Me): string {
  const c = analysisCompartments(me);
  return c.list[0] ?? 'general';
}

/** PlacePicker resolves a typed name through the gazetteer (GET /api/places) to a P-code. */
export function PlacePicker({ value, onChange }: { value: string; onChange: (pcode: string) => void }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<PlaceCandidates['candidates']>([]);
  useEffect(() => {
    const name = q.trim();
    if (name.length < 2) {
      setFound([]);
      return;
    }
    const timer = setTimeout(() => {
      api<PlaceCandidates>('GET', `/api/places?q=${encodeURIComponent(name)}`)
        .then((r) => setFound(r.candidates.slice(0, 6)))
        .catch(() => setFound([]));
    }, 250);
    return () => clearTimeout(timer);
  }, [q]);
  return (
    <div>
      <label htmlFor={id}>{t('analysis.place')}</label>{' '}
      <input id={id} value={q} dir="auto" maxLength={200} onChange={(e) => setQ(e.target.value)} />
      <p className="muted">{t('analysis.placeHint')}</p>
      {q.trim().length >= 2 && found.length === 0 && <p className="muted">{t('analysis.noPlace')}</p>}
      {found.length > 0 && (
        <fieldset>
          <legend className="visually-hidden">{t('analysis.place')}</legend>
          {found.map((c) => (
            <label key={c.place.pcode} className="block">
              <input
                type="radio"
                name={`${id}-pcode`}
                checked={value === c.place.pcode}
                onChange={() => onChange(c.place.pcode)}
              />{' '}
              <bdi translate="no">
                {i18n.language === 'ar' ? c.place.nameAr : c.place.nameEn} ({c.place.pcode})
              </bdi>
            </label>
          ))}
        </fieldset>
      )}
    </div>
  );
}

/** A time bound as the API takes it: one date, or {earliest, latest}. */
function bound(earliest: string, latest: string): string | { earliest: string; latest: string } | undefined {
  const e = earliest.trim();
  const l = latest.trim();
  if (!e && !l) return undefined;
  if (e && l && e !== l) return { earliest: e, latest: l };
  return e || l;
}

function BoundField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: [string, string];
  onChange: (v: [string, string]) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <fieldset className="row">
      <legend>{label}</legend>
      <label htmlFor={`${id}-e`}>{t('analysis.earliest')}</label>
      <input
        id={`${id}-e`}
        value={value[0]}
        maxLength={40}
        placeholder="2016-12-15"
        translate="no"
        onChange={(e) => onChange([e.target.value, value[1]])}
      />
      <label htmlFor={`${id}-l`}>{t('analysis.latest')}</label>
      <input
        id={`${id}-l`}
        value={value[1]}
        maxLength={40}
        translate="no"
        onChange={(e) => onChange([value[0], e.target.value])}
      />
    </fieldset>
  );
}

/**
 * useSubmit runs a form's request once at a time: `busy` while it runs, the refusal kept in
 * `error` (cleared by the next success), so every form handles both the same way.
 */
export function useSubmit(action: () => Promise<void>): {
  submit: () => Promise<void>;
  busy: boolean;
  error: unknown;
} {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      await action();
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { submit, busy, error };
}

/** The labels a refused field is named by (problem-text.tsx), keyed by the API's field names. */
export function useFieldLabels(): Record<string, string> {
  const { t } = useTranslation();
  return {
    type: t('analysis.type'),
    title: t('analysis.titleField'),
    description: t('analysis.description'),
    start: t('analysis.start'),
    end: t('analysis.end'),
    pcode: t('analysis.place'),
    compartment: t('analysis.compartment'),
    kind: t('analysis.kind'),
    name: t('analysis.name'),
    nameAr: t('analysis.nameAr'),
    aliases: t('analysis.aliases'),
    protection: t('analysis.protection'),
    pseudonym: t('analysis.pseudonym'),
    attributes: t('analysis.attributes'),
  };
}

function FormShell({
  title,
  onSubmit,
  error,
  busy,
  children,
}: {
  title: string;
  onSubmit: () => Promise<void>;
  error: unknown;
  busy: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const labels = useFieldLabels();
  return (
    <details className="card">
      <summary>{title}</summary>
      <form
        className="analysis-form"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void onSubmit();
        }}
      >
        {children}
        <ProblemMessage error={error} labels={labels} />
        <button type="submit" className="primary" disabled={busy}>
          {t('analysis.create')}
        </button>
      </form>
    </details>
  );
}

export function IncidentForm({ me, onCreated }: { me: Me; onCreated: (i: IncidentSummary) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [type, setType] = useState<string>('shelling');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [compartment, setCompartment] = useState(() => defaultCompartment(me));
  const [start, setStart] = useState<[string, string]>(['', '']);
  const [end, setEnd] = useState<[string, string]>(['', '']);
  const [pcode, setPcode] = useState('');
  const { submit, busy, error } = useSubmit(async () => {
    const s = bound(...start);
    const e = bound(...end);
    const made = await api<IncidentSummary>('POST', '/api/incidents', {
      type,
      title,
      compartment,
      ...(description.trim() ? { description } : {}),
      ...(s ? { start: s } : {}),
      ...(e ? { end: e } : {}),
      ...(pcode ? { pcode } : {}),
    });
    setTitle('');
    setDescription('');
    onCreated(made);
  });
  return (
    <FormShell title={t('analysis.newIncident')} onSubmit={submit} error={error} busy={busy}>
      <div>
        <label htmlFor={`${id}-type`}>{t('analysis.type')}</label>{' '}
        <select id={`${id}-type`} value={type} onChange={(e) => setType(e.target.value)}>
          {INCIDENT_TYPES.map((x) => (
            <option key={x} value={x}>
              {t(`analysis.types.${x}`)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-title`}>{t('analysis.titleField')}</label>
        <input
          id={`${id}-title`}
          value={title}
          required
          dir="auto"
          maxLength={300}
          onChange={(e) => setTitle(e.target.value)}
        />
      </div>
      <div>
        <label htmlFor={`${id}-desc`}>{t('analysis.description')}</label>
        <textarea
          id={`${id}-desc`}
          value={description}
          dir="auto"
          rows={2}
          maxLength={10_000}
          onChange={(e) => setDescription(e.target.value)}
        />
      </div>
      <p className="muted">{t('analysis.startHint')}</p>
      <BoundField label={t('analysis.start')} value={start} onChange={setStart} />
      <BoundField label={t('analysis.end')} value={end} onChange={setEnd} />
      <PlacePicker value={pcode} onChange={setPcode} />
      <CompartmentField me={me} value={compartment} onChange={setCompartment} />
    </FormShell>
  );
}

export function EntityForm({ me, onCreated }: { me: Me; onCreated: (e: Entity) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [kind, setKind] = useState<string>('person');
  const [names, setNames] = useState<Names>({ name: '', nameAr: '' });
  const [guard, setGuard] = useState<Guard>({ protection: 'none', pseudonym: '' });
  const [compartment, setCompartment] = useState(() => defaultCompartment(me));
  const [pcode, setPcode] = useState('');
  const { submit, busy, error } = useSubmit(async () => {
    const made = await api<Entity>('POST', '/api/entities', {
      kind,
      name: names.name,
      compartment,
      ...(names.nameAr.trim() ? { nameAr: names.nameAr } : {}),
      ...(kind === 'person' ? { protection: guard.protection } : {}),
      ...(guard.pseudonym.trim() ? { pseudonym: guard.pseudonym } : {}),
      ...(pcode ? { pcode } : {}),
    });
    setNames({ name: '', nameAr: '' });
    setGuard({ protection: guard.protection, pseudonym: '' });
    onCreated(made);
  });
  return (
    <FormShell title={t('analysis.newEntity')} onSubmit={submit} error={error} busy={busy}>
      <div>
        <label htmlFor={`${id}-kind`}>{t('analysis.kind')}</label>{' '}
        <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value)}>
          {ENTITY_KINDS.map((x) => (
            <option key={x} value={x}>
              {t(`analysis.kinds.${x}`)}
            </option>
          ))}
        </select>
      </div>
      <NameFields value={names} onChange={setNames} />
      {kind === 'person' && <ProtectionFields value={guard} onChange={setGuard} />}
      {kind === 'place' && <PlacePicker value={pcode} onChange={setPcode} />}
      <CompartmentField me={me} value={compartment} onChange={setCompartment} />
    </FormShell>
  );
}
