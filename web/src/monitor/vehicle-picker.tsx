/**
 * vehicle-picker.tsx — choosing vehicles from an assignment of hundreds (the real Aleppo one had
 * 1,601): search by any part of the marking ("0412", in any digits), or open a convoy and mark the
 * whole convoy as passed, then untick the exceptions. A convoy's list is rendered only while it is
 * open, so a long assignment costs nothing until it is needed. Small assignments start open.
 */
import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MonitorVehicle } from '../api/types.js';
import { useCount, useFormat } from '../i18n/format.js';
import { useLabel } from '../ui/labels.js';
import { markingKey } from './digits.js';

/** The assignment's vehicles carry their convoy; the assignment lists the convoys. */
export type AssignedVehicle = MonitorVehicle & { readonly convoyId?: string | null };
export interface AssignedConvoy {
  readonly id: string;
  readonly label: string;
}

/** Up to this many search results are shown; typing more narrows them. */
const SHOW_LIMIT = 40;
/** Assignments up to this size start with every group open. */
const SMALL_ASSIGNMENT = 30;
const NO_CONVOY = '';

interface Group {
  readonly id: string;
  readonly label: string | null;
  readonly vehicles: readonly AssignedVehicle[];
}

export function VehiclePicker({
  vehicles,
  convoys,
  selected,
  onChange,
}: {
  vehicles: readonly AssignedVehicle[];
  convoys: readonly AssignedConvoy[];
  selected: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const count = useCount();
  const searchId = useId();
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<ReadonlySet<string>>(() =>
    vehicles.length <= SMALL_ASSIGNMENT ? new Set([...convoys.map((c) => c.id), NO_CONVOY]) : new Set(),
  );

  const keyed = useMemo(() => vehicles.map((v) => ({ v, key: markingKey(v.marking) })), [vehicles]);
  const groups = useMemo<Group[]>(() => {
    const byConvoy = new Map<string, AssignedVehicle[]>();
    for (const v of vehicles) {
      const id = v.convoyId && convoys.some((c) => c.id === v.convoyId) ? v.convoyId : NO_CONVOY;
      byConvoy.set(id, [...(byConvoy.get(id) ?? []), v]);
    }
    const out: Group[] = convoys
      .filter((c) => byConvoy.has(c.id))
      .map((c) => ({ id: c.id, label: c.label, vehicles: byConvoy.get(c.id)! }));
    if (byConvoy.has(NO_CONVOY)) out.push({ id: NO_CONVOY, label: null, vehicles: byConvoy.get(NO_CONVOY)! });
    return out;
  }, [vehicles, convoys]);

  const q = markingKey(query);
  const matches = q === '' ? [] : keyed.filter((k) => k.key.includes(q)).map((k) => k.v);
  const set = (ids: readonly string[], on: boolean) => {
    const next = new Set(selected);
    for (const id of ids) {
      if (on) next.add(id);
      else next.delete(id);
    }
    onChange(next);
  };
  const toggleGroup = (id: string, isOpen: boolean) =>
    setOpen((s) => {
      const next = new Set(s);
      if (isOpen) next.add(id);
      else next.delete(id);
      return next;
    });
  const chosen = vehicles.filter((v) => selected.has(v.id));

  return (
    <fieldset className="vehicle-picker">
      <legend>{t('monitor.vehicles')}</legend>
      <p className="row selected-summary" data-testid="selected-vehicles" aria-live="polite">
        <span>{t('monitor.selected', { vehicles: count('vehicles', chosen.length) })}</span>
        {chosen.length > 0 && (
          <button type="button" onClick={() => onChange(new Set())}>
            {t('monitor.clearSelection')}
          </button>
        )}
      </p>
      {chosen.length > 0 && chosen.length <= 12 && (
        <p className="muted chosen-markings">
          {chosen.map((v, i) => (
            <span key={v.id}>
              {i > 0 && ' · '}
              <bdi translate="no">{v.marking}</bdi>
            </span>
          ))}
        </p>
      )}
      <label className="field" htmlFor={searchId}>
        {t('monitor.searchVehicles')}
      </label>
      <input
        id={searchId}
        type="search"
        name="vehicle-search"
        autoComplete="off"
        inputMode="search"
        aria-describedby={`${searchId}-hint`}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <p id={`${searchId}-hint`} className="hint">
        {t('monitor.searchHint')}
      </p>
      {q !== '' ? (
        <div data-testid="search-results">
          {matches.length === 0 ? (
            <p>{t('monitor.noMatch')}</p>
          ) : (
            <>
              <VehicleList vehicles={matches.slice(0, SHOW_LIMIT)} selected={selected} onSet={set} />
              {matches.length > SHOW_LIMIT && (
                <p className="muted">
                  {t('monitor.moreResults', {
                    shown: f.number(SHOW_LIMIT),
                    total: count('vehicles', matches.length),
                  })}
                </p>
              )}
            </>
          )}
        </div>
      ) : (
        <div className="convoys" data-testid="convoys">
          {groups.map((g) => {
            const ids = g.vehicles.map((v) => v.id);
            const picked = ids.filter((id) => selected.has(id)).length;
            const isOpen = open.has(g.id);
            return (
              <details
                key={g.id || 'none'}
                className="convoy"
                open={isOpen}
                data-convoy={g.id || 'none'}
                onToggle={(e) => {
                  const now = (e.currentTarget as HTMLDetailsElement).open;
                  if (now !== isOpen) toggleGroup(g.id, now);
                }}
              >
                <summary>
                  {g.label === null ? t('monitor.noConvoy') : <bdi translate="no">{g.label}</bdi>} ·{' '}
                  {count('vehicles', ids.length)}
                  {picked > 0 && (
                    <span className="badge">
                      {t('monitor.pickedOf', { n: f.number(picked), total: f.number(ids.length) })}
                    </span>
                  )}
                </summary>
                {isOpen && (
                  <div className="stack">
                    {g.label !== null && (
                      <div className="row">
                        <button type="button" className="primary" onClick={() => set(ids, true)}>
                          {t('monitor.wholeConvoy')}
                        </button>
                        {picked > 0 && (
                          <button type="button" onClick={() => set(ids, false)}>
                            {t('monitor.untickConvoy')}
                          </button>
                        )}
                      </div>
                    )}
                    {g.label !== null && picked === ids.length && (
                      <p className="hint">{t('monitor.exceptionsHint')}</p>
                    )}
                    <VehicleList vehicles={g.vehicles} selected={selected} onSet={set} />
                  </div>
                )}
              </details>
            );
          })}
        </div>
      )}
    </fieldset>
  );
}

function VehicleList({
  vehicles,
  selected,
  onSet,
}: {
  vehicles: readonly AssignedVehicle[];
  selected: ReadonlySet<string>;
  onSet: (ids: readonly string[], on: boolean) => void;
}) {
  const label = useLabel();
  return (
    <ul className="vehicle-list">
      {vehicles.map((v) => (
        <li key={v.id}>
          <label className="choice vehicle-choice">
            <input
              type="checkbox"
              name="vehicle"
              value={v.id}
              checked={selected.has(v.id)}
              onChange={(e) => onSet([v.id], e.target.checked)}
            />
            <span className="vehicle-text">
              <bdi translate="no" className="marking">
                {v.marking}
              </bdi>
              <span className="muted vehicle-kind">{label('vehicleKind', v.kind)}</span>
            </span>
          </label>
        </li>
      ))}
    </ul>
  );
}
