/**
 * provenance-form.tsx — where the files come from, asked once for a batch: source, collection
 * time (or "unknown", declared rather than hidden — Berkeley Protocol), collection place (with
 * gazetteer suggestions in either script; the chosen unit's P-code goes with the name), collector
 * and the compartment the items go into (only those where the user may add items).
 */
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLE_PERMISSIONS } from '../../../src/access/permissions.js';
import { api } from '../api/client.js';
import type { Me } from '../api/types.js';

export interface ProvenanceValues {
  source: string;
  collectedAt: string;
  timeUnknown: boolean;
  place: string;
  placePcode: string;
  collectedBy: string;
  compartment: string;
}

interface Candidate {
  place: { pcode: string; nameEn: string; nameAr: string; level: number };
}

/** writableCompartments are the compartments where `me` may add items ('*' → free choice). */
export function writableCompartments(me: Me): { list: string[]; any: boolean } {
  const grants = me.grants.filter((g) =>
    (ROLE_PERMISSIONS[g.role as keyof typeof ROLE_PERMISSIONS] ?? []).includes('items:write'),
  );
  return {
    any: grants.some((g) => g.compartment === '*'),
    list: [...new Set(grants.map((g) => g.compartment).filter((c) => c !== '*'))].sort(),
  };
}

/** provenanceProblem says which required field is missing, or null when the form is complete. */
export function provenanceProblem(v: ProvenanceValues): string | null {
  if (!v.source.trim()) return 'source';
  if (!v.timeUnknown && !v.collectedAt) return 'collectedAt';
  if (!v.collectedBy.trim()) return 'collectedBy';
  if (!v.compartment.trim()) return 'compartment';
  return null;
}

/** toMetadata turns the form into tus Upload-Metadata (collection time in UTC). */
export function toMetadata(v: ProvenanceValues): Record<string, string> {
  const out: Record<string, string> = {
    source: v.source.trim(),
    collectedAt: v.timeUnknown ? 'unknown' : new Date(v.collectedAt).toISOString(),
    collectedBy: v.collectedBy.trim(),
    compartment: v.compartment.trim(),
  };
  if (v.place.trim()) out.place = v.place.trim();
  if (v.placePcode) out.placePcode = v.placePcode;
  return out;
}

export function ProvenanceForm({
  me,
  value,
  onChange,
  problem,
}: {
  me: Me;
  value: ProvenanceValues;
  onChange: (v: ProvenanceValues) => void;
  problem: string | null;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [candidates, setCandidates] = useState<Candidate[]>([]);
  const compartments = writableCompartments(me);
  const set = (patch: Partial<ProvenanceValues>) => onChange({ ...value, ...patch });

  useEffect(() => {
    const q = value.place.trim();
    if (q.length < 2) {
      setCandidates([]);
      return;
    }
    const timer = setTimeout(() => {
      api<{ candidates: Candidate[] }>('GET', `/api/places?q=${encodeURIComponent(q)}`)
        .then((r) => setCandidates(r.candidates.slice(0, 8)))
        .catch(() => setCandidates([]));
    }, 250);
    return () => clearTimeout(timer);
  }, [value.place]);

  const nameOf = (c: Candidate) => (i18n.language === 'ar' ? c.place.nameAr : c.place.nameEn);
  const invalid = (field: string) => (problem === field ? { 'aria-invalid': true as const } : {});
  return (
    <fieldset className="provenance-form card">
      <legend>{t('upload.provenance')}</legend>
      <p className="muted">{t('upload.provenanceExplain')}</p>
      <label htmlFor={`${id}-source`}>{t('upload.source')}</label>
      <input
        id={`${id}-source`}
        value={value.source}
        onChange={(e) => set({ source: e.target.value })}
        required
        maxLength={500}
        {...invalid('source')}
      />
      <label htmlFor={`${id}-at`}>{t('upload.collectedAt')}</label>
      <div className="inline">
        <input
          id={`${id}-at`}
          type="datetime-local"
          value={value.collectedAt}
          disabled={value.timeUnknown}
          onChange={(e) => set({ collectedAt: e.target.value })}
          {...invalid('collectedAt')}
        />
        <label>
          <input
            type="checkbox"
            checked={value.timeUnknown}
            onChange={(e) => set({ timeUnknown: e.target.checked })}
          />{' '}
          {t('upload.timeUnknown')}
        </label>
      </div>
      <p className="muted">{t('upload.timeZone')}</p>
      <label htmlFor={`${id}-place`}>{t('upload.place')}</label>
      <input
        id={`${id}-place`}
        value={value.place}
        list={`${id}-places`}
        maxLength={200}
        onChange={(e) => {
          const typed = e.target.value;
          const chosen = candidates.find((c) => nameOf(c) === typed || c.place.pcode === typed);
          set({ place: typed, placePcode: chosen?.place.pcode ?? '' });
        }}
      />
      <datalist id={`${id}-places`}>
        {candidates.map((c) => (
          <option key={c.place.pcode} value={nameOf(c)}>
            {c.place.pcode}
          </option>
        ))}
      </datalist>
      <p className="muted" aria-live="polite" data-testid="place-resolved">
        {value.placePcode ? (
          <>
            {t('upload.placeResolved')} <bdi translate="no">{value.placePcode}</bdi>
          </>
        ) : (
          t('upload.placeFree')
        )}
      </p>
      <label htmlFor={`${id}-by`}>{t('upload.collectedBy')}</label>
      <input
        id={`${id}-by`}
        value={value.collectedBy}
        onChange={(e) => set({ collectedBy: e.target.value })}
        required
        maxLength={500}
        {...invalid('collectedBy')}
      />
      <label htmlFor={`${id}-comp`}>{t('upload.compartment')}</label>
      {compartments.any ? (
        <>
          <input
            id={`${id}-comp`}
            value={value.compartment}
            list={`${id}-comps`}
            onChange={(e) => set({ compartment: e.target.value })}
            required
            maxLength={100}
            {...invalid('compartment')}
          />
          <datalist id={`${id}-comps`}>
            {['general', ...compartments.list].map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </>
      ) : (
        <select
          id={`${id}-comp`}
          translate="no"
          value={value.compartment}
          onChange={(e) => set({ compartment: e.target.value })}
        >
          {compartments.list.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      )}
    </fieldset>
  );
}
