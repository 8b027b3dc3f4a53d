/**
 * checklists.ts — legal-element checklists, kept as data files beside this module (one JSON
 * file per instrument; see rome-statute-elements.json and its `source`). An element's id is
 * `<checklist>/<crime>/<n>`, e.g. `rs-eoc/7-1-d/1`: stable, so links survive edits of wording.
 */
import { readFileSync } from 'node:fs';

export interface ElementDef {
  readonly id: string;
  readonly n: number;
  readonly text: string;
  readonly citation: string;
  readonly notes?: string;
  /** The contextual element this one repeats (`<crime>/<n>` in the same checklist). */
  readonly context?: string;
}

export interface CrimeDef {
  readonly id: string;
  readonly title: string;
  readonly citation: string;
  readonly contextual: boolean;
  readonly elements: ElementDef[];
}

export interface ChecklistDef {
  readonly id: string;
  readonly title: string;
  readonly source: { readonly instrument: string; readonly url: string; readonly transcription: string };
  readonly crimes: CrimeDef[];
}

const FILES = ['rome-statute-elements.json'];

function load(file: string): ChecklistDef {
  const raw = JSON.parse(readFileSync(new URL(`./${file}`, import.meta.url), 'utf8')) as {
    id: string;
    title: string;
    source: ChecklistDef['source'];
    crimes: {
      id: string;
      title: string;
      citation: string;
      contextual?: boolean;
      elements: Omit<ElementDef, 'id'>[];
    }[];
  };
  return Object.freeze({
    id: raw.id,
    title: raw.title,
    source: raw.source,
    crimes: raw.crimes.map((c) => ({
      id: c.id,
      title: c.title,
      citation: c.citation,
      contextual: c.contextual === true,
      elements: c.elements.map((e) => ({ ...e, id: `${raw.id}/${c.id}/${e.n}` })),
    })),
  });
}

/** CHECKLISTS holds every checklist shipped with Attest, by id. */
export const CHECKLISTS: ReadonlyMap<string, ChecklistDef> = new Map(
  FILES.map((f) => {
    const c = load(f);
    return [c.id, c];
  }),
);

/** crimeById returns the crime `<checklist>/<crime>` (e.g. `rs-eoc/7-1-d`), or undefined. */
export function crimeById(id: string): { checklist: ChecklistDef; crime: CrimeDef } | undefined {
  const [checklistId, crimeId, extra] = id.split('/');
  if (extra !== undefined) return undefined;
  const checklist = CHECKLISTS.get(checklistId ?? '');
  const crime = checklist?.crimes.find((c) => c.id === crimeId);
  return checklist && crime ? { checklist, crime } : undefined;
}

/** elementById returns the element `<checklist>/<crime>/<n>`, or undefined. */
export function elementById(id: string): ElementDef | undefined {
  const cut = id.lastIndexOf('/');
  return crimeById(id.slice(0, cut))?.crime.elements.find((e) => e.id === id);
}
