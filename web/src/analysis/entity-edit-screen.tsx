/**
 * entity-edit-screen.tsx — changing an entity (`/analysis/entities/:id/edit`) through
 * `PATCH /api/entities/{id}`: its names, other names, attributes, and a person's protection and
 * pseudonym. Its kind, compartment and place stay (the API changes neither).
 *
 * A protected person's identity is handled as the API handles it (src/analysis/README.md):
 * - the page loads the entity as any read does, so a protected person's name, other names and
 *   attributes arrive withheld and the form shows only the pseudonym and the level;
 * - without persons:reveal in the person's compartment the level cannot be lowered (the select
 *   is locked and says why) and the identity is neither shown nor sent, so it cannot be erased;
 * - with persons:reveal the editor may ask for the identity to change it, as on the entity page:
 *   the server logs that view in the custody log, and the page said so before.
 * Only the fields that changed are sent, so a save never touches what the editor did not see.
 * A refusal names the field and the reason in the page's language (problem-text.tsx).
 */
import { type FormEvent, useId, useState } from 'react';
import './strings.js';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { Me } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useSession } from '../auth/session.js';
import { Link, navigate } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import {
  AliasesField,
  type AttributeRow,
  AttributesEditor,
  aliasesOf,
  attributeRows,
  attributesOf,
  type Guard,
  NameFields,
  type Names,
  ProtectionFields,
} from './entity-fields.js';
import { holdsIn, useFieldLabels, useSubmit } from './forms.js';
import { entityName } from './labels.js';
import { fieldProblem, ProblemMessage } from './problem-text.js';
import type { Entity } from './types.js';

/** What the entity page is told after a save (history state: router.tsx `navigate`). */
export interface SavedState {
  readonly saved: string;
}

export default function EntityEditScreen({ id }: { id: string }) {
  const { t } = useTranslation();
  const { state } = useSession();
  const loaded = useApi<Entity>(`/api/entities/${encodeURIComponent(id)}`);
  const back = `/analysis/entities/${encodeURIComponent(id)}`;
  if (loaded.error)
    return (
      <main id="main">
        <h1>{t('errors.notFound')}</h1>
        <ErrorMessage error={loaded.error} />
        <p>
          <Link href="/analysis/entities">{t('analysis.backEntities')}</Link>
        </p>
      </main>
    );
  if (!loaded.data || state.status !== 'signed-in')
    return (
      <main id="main">
        <p role="status">{t('app.loading')}</p>
      </main>
    );
  const e = loaded.data;
  if (!holdsIn(state.me, 'analysis:write', e.compartment))
    return (
      <main id="main">
        <h1>{t('analysis.edit.title')}</h1>
        <p className="error">{t('errors.forbidden')}</p>
        <p>
          <Link href={back}>{t('analysis.edit.back')}</Link>
        </p>
      </main>
    );
  return <EditForm entity={e} me={state.me} back={back} />;
}

/** sameJson compares two values by their JSON with object keys in order (attribute objects). */
function sameJson(a: unknown, b: unknown): boolean {
  const canon = (v: unknown): string =>
    JSON.stringify(v, (_k, x: unknown) =>
      x && typeof x === 'object' && !Array.isArray(x)
        ? Object.fromEntries(
            Object.entries(x as Record<string, unknown>).sort(([p], [q]) => (p < q ? -1 : 1)),
          )
        : x,
    );
  return canon(a) === canon(b);
}

function EditForm({ entity, me, back }: { entity: Entity; me: Me; back: string }) {
  const { t } = useTranslation();
  const errorId = useId();
  const labels = useFieldLabels();
  const [e, setE] = useState(entity);
  const [names, setNames] = useState<Names>({ name: e.name ?? '', nameAr: e.nameAr ?? '' });
  const [aliases, setAliases] = useState(e.aliases.join('\n'));
  const [rows, setRows] = useState<AttributeRow[]>(attributeRows(e.attributes));
  const [guard, setGuard] = useState<Guard>({ protection: e.protection, pseudonym: e.pseudonym ?? '' });
  const [unchanged, setUnchanged] = useState(false);
  const [revealError, setRevealError] = useState<unknown>(null);
  const mayReveal = holdsIn(me, 'persons:reveal', e.compartment);
  const person = e.kind === 'person';

  const reveal = async () => {
    try {
      const r = await api<Entity>('GET', `/api/entities/${encodeURIComponent(e.id)}?reveal=true`);
      setE(r);
      setNames({ name: r.name ?? '', nameAr: r.nameAr ?? '' });
      setAliases(r.aliases.join('\n'));
      setRows(attributeRows(r.attributes));
      setRevealError(null);
    } catch (err) {
      setRevealError(err);
    }
  };

  const { submit, busy, error } = useSubmit(async () => {
    const patch: Record<string, unknown> = {};
    // The identity is sent only when it was shown: a withheld one is neither read nor written.
    if (!e.withheld) {
      if (names.name !== (e.name ?? '')) patch.name = names.name;
      if (names.nameAr !== (e.nameAr ?? '')) patch.nameAr = names.nameAr;
      const a = aliasesOf(aliases);
      if (!sameJson(a, e.aliases)) patch.aliases = a;
      const attrs = attributesOf(rows);
      if (!sameJson(attrs, e.attributes)) patch.attributes = attrs;
    }
    if (person) {
      if (guard.protection !== e.protection) patch.protection = guard.protection;
      if (guard.pseudonym.trim() !== (e.pseudonym ?? '')) patch.pseudonym = guard.pseudonym;
    }
    if (Object.keys(patch).length === 0) {
      setUnchanged(true);
      return;
    }
    setUnchanged(false);
    await api<Entity>('PATCH', `/api/entities/${encodeURIComponent(e.id)}`, patch);
    navigate(back, { state: { saved: e.id } satisfies SavedState });
  });
  const refusal = { refused: fieldProblem(error)?.field ?? null, describedBy: errorId };

  return (
    <main id="main" className="analysis-page">
      <p className="crumbs">
        <Link href={back}>{t('analysis.edit.back')}</Link>
      </p>
      <h1>
        {t('analysis.edit.title')}:{' '}
        <bdi translate="no" className={e.withheld ? 'pseudonym' : undefined}>
          {entityName(e, t('analysis.withheld'))}
        </bdi>
      </h1>
      <form
        className="card analysis-form"
        data-testid="entity-edit"
        onSubmit={(ev: FormEvent) => {
          ev.preventDefault();
          void submit();
        }}
      >
        <dl className="item-facts">
          <dt>{t('analysis.kind')}</dt>
          <dd>{t(`analysis.kinds.${e.kind}`, { defaultValue: e.kind })}</dd>
          <dt>{t('analysis.compartment')}</dt>
          <dd translate="no">{e.compartment}</dd>
          {e.pcode && (
            <>
              <dt>{t('analysis.place')}</dt>
              <dd translate="no">{e.pcode}</dd>
            </>
          )}
        </dl>
        <p className="muted">{t('analysis.edit.fixed')}</p>
        {e.withheld ? (
          <div className="notice" data-testid="identity-withheld">
            <p>{t(mayReveal ? 'analysis.edit.withheldReveal' : 'analysis.edit.withheld')}</p>
            {mayReveal && (
              <>
                <p className="muted">{t('analysis.revealNote')}</p>
                <button type="button" onClick={() => void reveal()}>
                  {t('analysis.edit.revealToEdit')}
                </button>
                <ErrorMessage error={revealError} />
              </>
            )}
          </div>
        ) : (
          <>
            <NameFields value={names} onChange={setNames} {...refusal} />
            <AliasesField value={aliases} onChange={setAliases} {...refusal} />
          </>
        )}
        {person && (
          <ProtectionFields
            value={guard}
            onChange={setGuard}
            locked={e.withheld && !mayReveal}
            {...refusal}
          />
        )}
        {!e.withheld && <AttributesEditor rows={rows} onChange={setRows} {...refusal} />}
        <ProblemMessage error={error} labels={labels} id={errorId} />
        {unchanged && <p role="status">{t('analysis.edit.unchanged')}</p>}
        <p className="muted">{t('analysis.edit.logged')}</p>
        <div className="row">
          <button type="submit" className="primary" disabled={busy}>
            {t('analysis.edit.save')}
          </button>{' '}
          <Link href={back}>{t('analysis.edit.cancel')}</Link>
        </div>
      </form>
    </main>
  );
}
