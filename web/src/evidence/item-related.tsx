/**
 * item-related.tsx — what intake found about an item: its derived items (thumbnails, text, OCR,
 * keyframes, archive members…), its near-duplicates with their PDQ distance, the places its
 * texts mention, and the text itself. Everything listed is inside the caller's compartments (the
 * API filters in the query); a hidden duplicate is simply absent.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DerivedRow, IntakeState, NearDuplicates, PlaceMentions } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useFormat } from '../i18n/format.js';
import { Link } from '../router.js';
import { TableScroll } from '../ui/table-scroll.js';
import { DERIVED_KINDS, derivedKeyText } from './derived-key.js';
import { contentUrl } from './item-preview.js';

const TEXT_LIMIT = 20_000;

/**
 * DerivedWhat names a derivative in words ("text of a page, page 3"); a kind or key this app does
 * not know yet (a newer server) is shown as data beside a plain "derived item", never as a label.
 */
function DerivedWhat({ kind, derivationKey }: { kind: string; derivationKey: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const known = (DERIVED_KINDS as readonly string[]).includes(kind);
  const part = derivedKeyText(kind, derivationKey);
  return (
    <>
      {known ? t(`item.derivedKind.${kind}`) : t('item.derivedOther')}
      {!known && (
        <>
          {' '}
          <bdi translate="no" className="muted">
            {kind}
          </bdi>
        </>
      )}
      {part ? (
        <span className="muted">
          {t('item.derivedPartSeparator')}
          {t(`item.derivedKey.${part.key}`, { n: f.number(part.n) })}
        </span>
      ) : part === undefined ? (
        <>
          {' '}
          <bdi translate="no" className="muted">
            {derivationKey}
          </bdi>
        </>
      ) : null}
    </>
  );
}

export function DerivedItems({ derived }: { derived: readonly DerivedRow[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <section aria-labelledby="derived-h" className="card" data-testid="derived">
      <h2 id="derived-h">{t('item.derived')}</h2>
      {derived.length === 0 ? (
        <p className="muted">{t('item.noDerived')}</p>
      ) : (
        <TableScroll name={t('item.derived')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('evidence.ern')}</th>
                <th scope="col">{t('item.derivation')}</th>
                <th scope="col">{t('item.tool')}</th>
                <th scope="col">{t('evidence.mediaType')}</th>
                <th scope="col">{t('evidence.size')}</th>
              </tr>
            </thead>
            <tbody>
              {derived.map((d) => (
                <tr key={d.ern}>
                  <th scope="row">
                    <Link href={`/evidence/${d.ern}`} translate="no">
                      {d.ern}
                    </Link>
                  </th>
                  <td>
                    <DerivedWhat kind={d.kind} derivationKey={d.key} />
                  </td>
                  <td translate="no">
                    {d.tool} {d.toolVersion}
                  </td>
                  <td translate="no">{d.mediaType}</td>
                  <td className="num">{t('evidence.bytes', { size: f.number(d.size) })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}

export function NearDuplicatesSection({ ern, intake }: { ern: string; intake: IntakeState }) {
  const { t } = useTranslation();
  const f = useFormat();
  const near = useApi<NearDuplicates>(`/api/items/${ern}/near-duplicates`);
  // The intake links (exact and near) and a fresh PDQ search, one row per other item.
  const rows = new Map<string, { distance: number; relation: string }>();
  for (const l of intake.links) rows.set(l.ern, { distance: l.distance, relation: l.relation });
  for (const m of near.data?.matches ?? [])
    if (!rows.has(m.ern)) rows.set(m.ern, { distance: m.distance, relation: 'near-duplicate-of' });
  return (
    <section aria-labelledby="dups-h" className="card" data-testid="near-duplicates">
      <h2 id="dups-h">{t('item.nearDuplicates')}</h2>
      {rows.size === 0 ? (
        <p className="muted">{near.data?.pdq === null ? t('item.noPdq') : t('item.noDuplicates')}</p>
      ) : (
        <ul>
          {[...rows].map(([other, r]) => (
            <li key={other}>
              <Link href={`/evidence/${other}`} translate="no">
                {other}
              </Link>{' '}
              — {t(`item.relation.${r.relation}`, { defaultValue: r.relation })},{' '}
              {t('item.distance', { d: f.number(r.distance) })}
            </li>
          ))}
        </ul>
      )}
      <p className="muted">{t('item.pdqExplain')}</p>
    </section>
  );
}

export function PlacesSection({ ern }: { ern: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { data } = useApi<PlaceMentions>(`/api/items/${ern}/places`);
  const byPcode = new Map<string, { text: string; n: number; candidates: string[] }>();
  for (const m of data?.mentions ?? []) {
    const e = byPcode.get(m.pcode) ?? { text: m.text, n: 0, candidates: m.candidates };
    e.n++;
    byPcode.set(m.pcode, e);
  }
  return (
    <section aria-labelledby="places-h" className="card" data-testid="places">
      <h2 id="places-h">{t('item.places')}</h2>
      {byPcode.size === 0 ? (
        <p className="muted">{t('item.noPlaces')}</p>
      ) : (
        <ul>
          {[...byPcode].map(([pcode, e]) => (
            <li key={pcode}>
              <bdi translate="no">{e.text}</bdi> —{' '}
              <Link href={`/search?q=${encodeURIComponent(`place:${pcode}`)}`} translate="no">
                {pcode}
              </Link>{' '}
              <span className="muted">{t('item.mentions', { n: f.number(e.n) })}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** TextSection shows the text intake extracted (text, OCR, page text), the first part of it. */
export function TextSection({ derived }: { derived: readonly DerivedRow[] }) {
  const { t } = useTranslation();
  const source = derived.find((d) => d.kind === 'text') ?? derived.find((d) => d.kind === 'ocr-text');
  const sourceErn = source?.ern;
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    if (!sourceErn) return;
    let live = true;
    void fetch(contentUrl(sourceErn), { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.text() : ''))
      .then((s) => {
        if (live) setText(s);
      });
    return () => {
      live = false;
    };
  }, [sourceErn]);
  if (!source || text === null) return null;
  return (
    <section aria-labelledby="text-h" className="card" data-testid="item-text">
      <h2 id="text-h">{t('item.text')}</h2>
      <p className="muted">
        {t('item.textFrom')}{' '}
        <Link href={`/evidence/${source.ern}`} translate="no">
          {source.ern}
        </Link>
      </p>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: long text scrolls; keyboard users must reach it. */}
      <pre className="item-text" dir="auto" translate="no" tabIndex={0}>
        {text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT)}…` : text}
      </pre>
    </section>
  );
}
