// Request and response schemas of the search and gazetteer routes; the response schemas are the
// allow-list of what leaves the server.
import { Type } from '@sinclair/typebox';

export const SearchQuery = Type.Object(
  {
    // Longer than the parser's limit, so that a long query gets the parser's clear message.
    q: Type.String({
      maxLength: 4096,
      description: 'the query (see the query language in src/search/README.md)',
    }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 400 })),
    sort: Type.Optional(Type.Union([Type.Literal('relevance'), Type.Literal('date')])),
  },
  { additionalProperties: false },
);

const FacetValue = Type.Object({
  value: Type.String(),
  count: Type.Integer(),
  name: Type.Optional(Type.String()),
  nameAr: Type.Optional(Type.String()),
});

export const SearchResultSchema = Type.Object({
  results: Type.Array(
    Type.Object({
      ern: Type.String(),
      title: Type.String(),
      kind: Type.String(),
      source: Type.String(),
      date: Type.String(),
      score: Type.Number(),
      snippet: Type.String({ description: 'HTML-escaped text with hits in <mark>…</mark>' }),
    }),
  ),
  total: Type.Integer({ description: 'matching items; a lower bound when totalExact is false' }),
  totalExact: Type.Boolean({
    description:
      'false when more items match than a query ranks (the newest 1,000 matches): total and facets then count those, and relevance ranks those',
  }),
  facets: Type.Object({
    kind: Type.Array(FacetValue),
    source: Type.Array(FacetValue),
    year: Type.Array(FacetValue),
    admin1: Type.Array(FacetValue),
    admin2: Type.Array(FacetValue),
  }),
  next: Type.Union([Type.String(), Type.Null()]),
});

export const PlaceSchema = Type.Object({
  pcode: Type.String(),
  nameEn: Type.String(),
  nameAr: Type.String(),
  level: Type.Integer(),
  admin1: Type.String(),
  admin2: Type.Union([Type.String(), Type.Null()]),
  admin3: Type.Union([Type.String(), Type.Null()]),
  lat: Type.Number(),
  lon: Type.Number(),
});

export const ResolveQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 200 }),
    near: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9]+(,[A-Za-z0-9]+){0,9}$' })),
  },
  { additionalProperties: false },
);

export const CandidatesSchema = Type.Object({
  candidates: Type.Array(Type.Object({ place: PlaceSchema, match: Type.String(), score: Type.Number() })),
});

export const PcodeParam = Type.Object(
  { pcode: Type.String({ pattern: '^(SY[0-9]{2,6}|C[0-9]{1,6})$' }) },
  { additionalProperties: false },
);

export const PlaceDetailSchema = Type.Object({
  place: PlaceSchema,
  within: Type.Array(PlaceSchema),
});

export const ErnParam = Type.Object(
  { ern: Type.String({ pattern: '^ATT-[0-9]{6,15}$' }) },
  { additionalProperties: false },
);

export const MentionsSchema = Type.Object({
  ern: Type.String(),
  mentions: Type.Array(
    Type.Object({
      textItem: Type.String({ description: 'the ERN of the text the offsets count in, or ERN#title' }),
      start: Type.Integer(),
      end: Type.Integer(),
      text: Type.String(),
      pcode: Type.String(),
      candidates: Type.Array(Type.String()),
    }),
  ),
});

export const SavedSearchSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  q: Type.String(),
  sort: Type.Union([Type.Literal('relevance'), Type.Literal('date')]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export const SavedSearchListSchema = Type.Object({ savedSearches: Type.Array(SavedSearchSchema) });
export const SavedSearchBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    q: Type.String({ minLength: 1, maxLength: 2048 }),
    sort: Type.Optional(Type.Union([Type.Literal('relevance'), Type.Literal('date')])),
  },
  { additionalProperties: false },
);
export const SavedSearchParam = Type.Object(
  { id: Type.String({ pattern: '^srch-[0-9a-f-]{36}$' }) },
  { additionalProperties: false },
);
