/**
 * _search-analyse.ts — what the search bench's bulk load computes for one document, exactly as
 * the indexer does (src/search/indexer.ts): the place tagger over title and text, the places
 * and admin areas they lie in, the analyser over title, text, kind and source, the filter
 * terms, and on PostgreSQL the tsvector literal. Pure and synchronous, so worker threads
 * (_search-analyse-worker.ts) run it beside the thread that writes the rows.
 */
import { analyze } from '../src/lib/search-tokens.js';
import { tsvectorLiteral } from '../src/search/backends/postgres-backend.js';
import { docFilterTerms } from '../src/search/filter-terms.js';
import { tagPlaces } from '../src/search/gazetteer/tagger.js';
import { adminUnits, placesOf } from '../src/search/places-in-text.js';

/** RawDoc is a generated document with the columns its search_doc row takes from its item. */
export interface RawDoc {
  itemId: string;
  docId: number;
  ern: string;
  title: string;
  text: string;
  kind: string;
  source: string;
  compartment: string;
  collectedAt: string;
  year: number;
}

/** AnalysedDoc is a RawDoc with its index terms (space-separated, as FTS5 takes them). */
export interface AnalysedDoc extends RawDoc {
  titleTerms: string;
  bodyTerms: string;
  tags: string;
  filters: string;
  admin: string;
  /** Every place the document lies in with its level: search_place rows. */
  areas: Array<[string, number]>;
  /** PostgreSQL: the tsvector literal (title A, body B, places C, filters D). */
  tsv: string | null;
}

export function analyseDoc(d: RawDoc, dialect: 'sqlite' | 'postgres'): AnalysedDoc {
  const mentions = [...tagPlaces(d.title), ...tagPlaces(d.text)];
  const places = placesOf(mentions, []);
  const title = analyze(d.title);
  const body = analyze(d.text);
  const tags = [...places.tokens, ...analyze(d.kind), ...analyze(d.source)];
  const filters = docFilterTerms({
    compartment: d.compartment,
    kind: d.kind,
    source: d.source,
    date: d.collectedAt,
    areas: places.areas.keys(),
  });
  return {
    ...d,
    titleTerms: title.join(' '),
    bodyTerms: body.join(' '),
    tags: tags.join(' '),
    filters: filters.join(' '),
    admin: adminUnits(places.areas.keys()),
    areas: [...places.areas],
    tsv:
      dialect === 'postgres'
        ? tsvectorLiteral([
            { terms: title, weight: 'A' },
            { terms: body, weight: 'B' },
            { terms: tags, weight: 'C' },
            { terms: filters, weight: 'D' },
          ])
        : null,
  };
}
