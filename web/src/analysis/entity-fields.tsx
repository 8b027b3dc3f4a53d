/**
 * entity-fields.tsx — the parts of an entity's form that recording it (forms.tsx) and changing
 * it (entity-edit-screen.tsx) share: its names, its protection with the pseudonym that goes
 * with it, its other names and its attributes. A refused field (`refused`, the API's field name)
 * is marked invalid and points at the message that says why (`describedBy`).
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { PROTECTION_LEVELS } from '../../../src/analysis/vocabulary.js';

export interface Names {
  readonly name: string;
  readonly nameAr: string;
}

export interface Guard {
  readonly protection: string;
  readonly pseudonym: string;
}

/** Marks the input of `field` as refused when the server refused it. */
export interface Refusal {
  readonly refused?: string | null;
  readonly describedBy?: string;
}

function invalid(field: string, r: Refusal): { 'aria-invalid'?: true; 'aria-describedby'?: string } {
  return r.refused === field ? { 'aria-invalid': true, 'aria-describedby': r.describedBy } : {};
}

/** NameFields: the name (required) and the name in Arabic. */
export function NameFields({
  value,
  onChange,
  ...r
}: { value: Names; onChange: (v: Names) => void } & Refusal) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <>
      <div>
        <label htmlFor={`${id}-name`}>{t('analysis.name')}</label>
        <input
          id={`${id}-name`}
          value={value.name}
          required
          dir="auto"
          maxLength={300}
          translate="no"
          {...invalid('name', r)}
          onChange={(e) => onChange({ ...value, name: e.target.value })}
        />
      </div>
      <div>
        <label htmlFor={`${id}-name-ar`}>{t('analysis.nameAr')}</label>
        <input
          id={`${id}-name-ar`}
          value={value.nameAr}
          dir="rtl"
          lang="ar"
          maxLength={300}
          translate="no"
          {...invalid('nameAr', r)}
          onChange={(e) => onChange({ ...value, nameAr: e.target.value })}
        />
      </div>
    </>
  );
}

/**
 * ProtectionFields: a person's protection level and pseudonym. `locked` keeps the level as it is
 * (a protected person's editor without persons:reveal may not lower it: the server refuses), and
 * says why next to it.
 */
export function ProtectionFields({
  value,
  onChange,
  locked = false,
  ...r
}: { value: Guard; onChange: (v: Guard) => void; locked?: boolean } & Refusal) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <>
      <div>
        <label htmlFor={`${id}-prot`}>{t('analysis.protection')}</label>{' '}
        <select
          id={`${id}-prot`}
          value={value.protection}
          disabled={locked}
          aria-describedby={locked ? `${id}-locked` : undefined}
          {...invalid('protection', r)}
          onChange={(e) => onChange({ ...value, protection: e.target.value })}
        >
          {PROTECTION_LEVELS.map((x) => (
            <option key={x} value={x}>
              {t(`analysis.protections.${x}`)}
            </option>
          ))}
        </select>
        {locked && (
          <p className="muted" id={`${id}-locked`}>
            {t('analysis.edit.protectionLocked')}
          </p>
        )}
      </div>
      <div>
        <label htmlFor={`${id}-pseudo`}>{t('analysis.pseudonym')}</label>
        <input
          id={`${id}-pseudo`}
          value={value.pseudonym}
          required={value.protection !== 'none'}
          dir="auto"
          maxLength={100}
          translate="no"
          {...invalid('pseudonym', r)}
          onChange={(e) => onChange({ ...value, pseudonym: e.target.value })}
        />
        <p className="muted">{t('analysis.pseudonymHint')}</p>
      </div>
    </>
  );
}

/** AliasesField: other names, one a line (blank lines dropped on saving). */
export function AliasesField({
  value,
  onChange,
  ...r
}: { value: string; onChange: (v: string) => void } & Refusal) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div>
      <label htmlFor={id}>{t('analysis.aliases')}</label>
      <textarea
        id={id}
        value={value}
        dir="auto"
        rows={3}
        translate="no"
        aria-describedby={`${id}-hint`}
        {...invalid('aliases', r)}
        onChange={(e) => onChange(e.target.value)}
      />
      <p className="muted" id={`${id}-hint`}>
        {t('analysis.edit.aliasesHint')}
      </p>
    </div>
  );
}

/** aliasesOf reads the other names from the text area: one a line, trimmed, blank lines dropped. */
export function aliasesOf(text: string): string[] {
  return text
    .split('\n')
    .map((a) => a.trim())
    .filter((a) => a !== '');
}

export type AttributeType = 'text' | 'number' | 'boolean';

/** One attribute row as edited: its name, its type and its value as typed (`rid`: React's key). */
export interface AttributeRow {
  readonly rid: number;
  readonly key: string;
  readonly type: AttributeType;
  readonly value: string;
}

/** attributeRows turns the API's attributes into editable rows (in name order). */
export function attributeRows(
  attributes: Readonly<Record<string, string | number | boolean>>,
): AttributeRow[] {
  return Object.entries(attributes)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, v], rid) => ({
      rid,
      key,
      type: typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'text',
      value: String(v),
    }));
}

/**
 * attributesOf turns the rows back into the API's object: rows with no name are dropped, a
 * number row is a number, a yes/no row a boolean. The server checks names and values again.
 */
export function attributesOf(rows: readonly AttributeRow[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const r of rows) {
    const key = r.key.trim();
    if (!key) continue;
    out[key] = r.type === 'number' ? Number(r.value) : r.type === 'boolean' ? r.value === 'true' : r.value;
  }
  return out;
}

/** AttributesEditor: name, type and value per row; rows added and removed. */
export function AttributesEditor({
  rows,
  onChange,
  ...r
}: { rows: readonly AttributeRow[]; onChange: (rows: AttributeRow[]) => void } & Refusal) {
  const { t } = useTranslation();
  const id = useId();
  const set = (i: number, row: AttributeRow) => onChange(rows.map((x, j) => (j === i ? row : x)));
  return (
    <fieldset
      className="attributes"
      aria-describedby={r.refused === 'attributes' ? r.describedBy : undefined}
    >
      <legend>{t('analysis.attributes')}</legend>
      <p className="muted" id={`${id}-hint`}>
        {t('analysis.edit.attributesHint')}
      </p>
      {rows.length === 0 && <p className="muted">{t('analysis.edit.noAttributes')}</p>}
      {rows.map((row, i) => {
        const n = i + 1;
        return (
          <div className="attribute-row" key={row.rid} data-attribute-row={n}>
            <label htmlFor={`${id}-${i}-k`}>{t('analysis.edit.attributeName', { n })}</label>
            <input
              id={`${id}-${i}-k`}
              value={row.key}
              maxLength={40}
              dir="ltr"
              translate="no"
              aria-describedby={`${id}-hint`}
              onChange={(e) => set(i, { ...row, key: e.target.value })}
            />
            <label htmlFor={`${id}-${i}-t`}>{t('analysis.edit.attributeType', { n })}</label>
            <select
              id={`${id}-${i}-t`}
              value={row.type}
              onChange={(e) => {
                const type = e.target.value as AttributeType;
                set(i, {
                  ...row,
                  type,
                  value: type === 'boolean' ? 'true' : type === 'number' ? '' : row.value,
                });
              }}
            >
              <option value="text">{t('analysis.edit.types.text')}</option>
              <option value="number">{t('analysis.edit.types.number')}</option>
              <option value="boolean">{t('analysis.edit.types.boolean')}</option>
            </select>
            <label htmlFor={`${id}-${i}-v`}>{t('analysis.edit.attributeValue', { n })}</label>
            {row.type === 'boolean' ? (
              <select
                id={`${id}-${i}-v`}
                value={row.value}
                onChange={(e) => set(i, { ...row, value: e.target.value })}
              >
                <option value="true">{t('analysis.edit.yes')}</option>
                <option value="false">{t('analysis.edit.no')}</option>
              </select>
            ) : (
              <input
                id={`${id}-${i}-v`}
                value={row.value}
                type={row.type === 'number' ? 'number' : 'text'}
                step={row.type === 'number' ? 'any' : undefined}
                required={row.type === 'number' && row.key.trim() !== ''}
                dir="auto"
                maxLength={300}
                translate="no"
                onChange={(e) => set(i, { ...row, value: e.target.value })}
              />
            )}
            <button type="button" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
              {t('analysis.edit.removeAttribute', { n })}
            </button>
          </div>
        );
      })}
      <button
        type="button"
        onClick={() =>
          onChange([
            ...rows,
            { rid: Math.max(-1, ...rows.map((x) => x.rid)) + 1, key: '', type: 'text', value: '' },
          ])
        }
      >
        {t('analysis.edit.addAttribute')}
      </button>
    </fieldset>
  );
}
