// Request and response schemas of the analysis routes; the response schemas are the allow-list
// of what leaves the server (a pseudonymous person has no name field to leak).
import { type TSchema, Type } from '@sinclair/typebox';
import {
  ENTITY_KINDS,
  INCIDENT_TYPES,
  PROTECTION_LEVELS,
  RECORD_TYPES,
  RELATIONS,
  STANCES,
} from './vocabulary.js';

const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Compartment = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });
const Scalar = Type.Union([Type.String({ maxLength: 300 }), Type.Number(), Type.Boolean()]);

export const EntityBody = Type.Object(
  {
    kind: literals(ENTITY_KINDS),
    name: Type.String({ minLength: 1, maxLength: 300 }),
    nameAr: Type.Optional(Type.String({ maxLength: 300 })),
    aliases: Type.Optional(Type.Array(Type.String({ maxLength: 300 }), { maxItems: 50 })),
    compartment: Compartment,
    protection: Type.Optional(literals(PROTECTION_LEVELS)),
    pseudonym: Type.Optional(Type.String({ maxLength: 100 })),
    pcode: Type.Optional(Type.String({ maxLength: 12 })),
    attributes: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Scalar, { maxProperties: 32 })),
  },
  { additionalProperties: false },
);

export const EntityPatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    nameAr: Type.Optional(Type.String({ maxLength: 300 })),
    aliases: Type.Optional(Type.Array(Type.String({ maxLength: 300 }), { maxItems: 50 })),
    protection: Type.Optional(literals(PROTECTION_LEVELS)),
    pseudonym: Type.Optional(Type.String({ maxLength: 100 })),
    attributes: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Scalar, { maxProperties: 32 })),
  },
  { additionalProperties: false },
);

const EntityFull = Type.Object({
  view: Type.Literal('full'),
  id: Type.String(),
  kind: Type.String(),
  name: Nullable(Type.String()),
  nameAr: Nullable(Type.String()),
  aliases: Type.Array(Type.String()),
  compartment: Type.String(),
  protection: Type.String(),
  pseudonym: Nullable(Type.String()),
  withheld: Type.Boolean({
    description: "a protected person's name, other names and attributes are not shown",
  }),
  pcode: Nullable(Type.String()),
  attributes: Type.Record(Type.String(), Scalar),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const EntityPseudonym = Type.Object({
  view: Type.Literal('pseudonym'),
  id: Type.String(),
  kind: Type.Literal('person'),
  pseudonym: Type.String(),
  protection: Type.String(),
});
/** An entity at the end of a link: in full, or (a protected person of another compartment) by pseudonym. */
const EntityRef = Type.Union([EntityFull, EntityPseudonym]);
export const EntitySchema = EntityFull;
export const EntityListSchema = Type.Object({
  entities: Type.Array(EntityFull),
  next: Nullable(Type.String()),
});

export const IdParam = (prefix: string) =>
  Type.Object({ id: Type.String({ pattern: `^${prefix}-[0-9a-f-]{36}$` }) }, { additionalProperties: false });

export const EntityQuery = Type.Object(
  {
    kind: Type.Optional(literals(ENTITY_KINDS)),
    after: Type.Optional(Type.String({ pattern: '^ent-[0-9a-f-]{36}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
export const RevealQuery = Type.Object(
  {
    reveal: Type.Optional(Type.Boolean({ description: "show a protected person's name (logged as a view)" })),
  },
  { additionalProperties: false },
);

const Bound = Type.Union([
  Type.String({ maxLength: 40 }),
  Type.Object(
    { earliest: Type.String({ maxLength: 40 }), latest: Type.String({ maxLength: 40 }) },
    { additionalProperties: false },
  ),
]);

export const IncidentBody = Type.Object(
  {
    type: literals(INCIDENT_TYPES),
    title: Type.String({ minLength: 1, maxLength: 300 }),
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
    compartment: Compartment,
    start: Type.Optional(Bound),
    end: Type.Optional(Bound),
    pcode: Type.Optional(Type.String({ maxLength: 12 })),
  },
  { additionalProperties: false },
);

const Range = Type.Object({ earliest: Nullable(Type.String()), latest: Nullable(Type.String()) });
const IncidentSummary = Type.Object({
  id: Type.String(),
  type: Type.String(),
  title: Type.String(),
  description: Type.String(),
  compartment: Type.String(),
  start: Range,
  end: Range,
  pcode: Nullable(Type.String()),
  placeName: Nullable(Type.String()),
  createdAt: Type.String(),
});
export const IncidentSummarySchema = IncidentSummary;
export const IncidentListSchema = Type.Object({ incidents: Type.Array(IncidentSummary) });
export const IncidentQuery = Type.Object(
  {
    type: Type.Optional(literals(INCIDENT_TYPES)),
    place: Type.Optional(Type.String({ pattern: '^(SY[0-9]{2,6}|C[0-9]{1,6})$' })),
    from: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 date or instant' })),
    to: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 date or instant' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

const SeenRef = Type.Union([
  Type.Object({ type: Type.Literal('item'), ern: Type.String(), title: Type.String() }),
  Type.Object({ type: Type.Literal('entity'), entity: EntityRef }),
  Type.Object({
    type: Type.Literal('incident'),
    id: Type.String(),
    title: Type.String(),
    incidentType: Type.String(),
  }),
]);
const Link = Type.Object({
  id: Type.String(),
  from: SeenRef,
  relation: Type.String(),
  to: SeenRef,
  basis: Nullable(Type.String()),
  compartment: Type.String(),
  createdAt: Type.String(),
});
export const LinkSchema = Link;
export const LinkListSchema = Type.Object({ links: Type.Array(Link) });
const RefBody = Type.Object(
  { type: literals(RECORD_TYPES), id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
export const LinkBody = Type.Object(
  {
    from: RefBody,
    to: RefBody,
    relation: literals(RELATIONS),
    basis: Type.Optional(Type.String({ pattern: '^ATT-[0-9]{6,15}$' })),
    compartment: Compartment,
  },
  { additionalProperties: false },
);
export const LinkQuery = Type.Object(
  { type: literals(RECORD_TYPES), id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

const Tally = Type.Object({
  status: Type.String(),
  supportingSources: Type.Integer(),
  contradictingSources: Type.Integer(),
  silentItems: Type.Integer(),
});
const Claim = Type.Object({
  id: Type.String(),
  incidentId: Nullable(Type.String()),
  statement: Type.String(),
  compartment: Type.String(),
  stances: Type.Array(
    Type.Object({
      ern: Type.String(),
      title: Type.String(),
      source: Type.String(),
      stance: Type.String(),
      implicit: Type.Boolean({ description: "linked to the claim's incident, no stance recorded (silent)" }),
    }),
  ),
  supporting: Type.Array(Type.String()),
  contradicting: Type.Array(Type.String()),
  silent: Type.Array(Type.String()),
  corroboration: Tally,
  createdAt: Type.String(),
});
export const ClaimSchema = Claim;
export const ClaimBody = Type.Object(
  {
    statement: Type.String({ minLength: 1, maxLength: 2000 }),
    incidentId: Type.Optional(Type.String({ pattern: '^inc-[0-9a-f-]{36}$' })),
    compartment: Compartment,
  },
  { additionalProperties: false },
);
export const StanceParams = Type.Object(
  { id: Type.String({ pattern: '^clm-[0-9a-f-]{36}$' }), ern: Type.String({ pattern: '^ATT-[0-9]{6,15}$' }) },
  { additionalProperties: false },
);
export const StanceBody = Type.Object({ stance: literals(STANCES) }, { additionalProperties: false });

export const IncidentDetailSchema = Type.Composite([
  IncidentSummary,
  Type.Object({
    links: Type.Array(Link),
    claims: Type.Array(Claim),
    corroboration: Type.Object({
      status: Type.String(),
      supportingSources: Type.Integer(),
      contradictingSources: Type.Integer(),
    }),
  }),
]);
