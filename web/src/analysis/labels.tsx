/**
 * labels.tsx — how analysis records are named on screen. A person is shown by pseudonym when
 * the server sends one in place of the identity (outside their compartment, or a `protected`
 * person whose identity was not revealed: `withheld`); the name is shown only when the server
 * sent it. The page never holds a name the server withheld, so it cannot leak one.
 */
import { useTranslation } from 'react-i18next';
import { Link } from '../router.js';
import './analysis.css';
import type { Entity, EntityRef, SeenRef } from './types.js';

/** entityName is the text an entity is shown by: its name when sent, else its pseudonym. */
export function entityName(e: Entity | EntityRef, withheldText: string): string {
  if (e.view === 'pseudonym') return e.pseudonym;
  if (e.name !== null && !e.withheld) return e.name;
  return e.pseudonym ?? withheldText;
}

/** EntityLabel names an entity (pseudonym marked as such) and links to it when it may be opened. */
export function EntityLabel({ entity }: { entity: Entity | EntityRef }) {
  const { t } = useTranslation();
  const name = entityName(entity, t('analysis.withheld'));
  const pseudonymous = entity.view === 'pseudonym' || entity.withheld;
  const text = (
    <bdi translate="no" className={pseudonymous ? 'pseudonym' : undefined}>
      {name}
    </bdi>
  );
  return (
    <span className="entity-label" data-entity={entity.id}>
      {entity.view === 'full' ? <Link href={`/analysis/entities/${entity.id}`}>{text}</Link> : text}{' '}
      <span className="muted">
        ({t(`analysis.kinds.${entity.kind}`, { defaultValue: entity.kind })}
        {pseudonymous ? ` · ${t('analysis.withheld')}` : ''})
      </span>
    </span>
  );
}

/** RefLabel names one end of a link: an item by ERN and title, an entity, or an incident. */
export function RefLabel({ r }: { r: SeenRef }) {
  const { t } = useTranslation();
  if (r.type === 'item')
    return (
      <span>
        <Link href={`/evidence/${r.ern}`} translate="no">
          {r.ern}
        </Link>{' '}
        <bdi translate="no">{r.title}</bdi>
      </span>
    );
  if (r.type === 'entity') return <EntityLabel entity={r.entity} />;
  return (
    <span>
      <Link href={`/analysis/incidents/${r.id}`}>
        <bdi translate="no">{r.title}</bdi>
      </Link>{' '}
      <span className="muted">
        ({t(`analysis.types.${r.incidentType}`, { defaultValue: r.incidentType })})
      </span>
    </span>
  );
}

/** StatusBadge shows a corroboration status in words (never by colour alone). */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <span className={`status-badge status-${status}`} data-status={status}>
      {t(`analysis.statuses.${status}`, { defaultValue: status })}
    </span>
  );
}
