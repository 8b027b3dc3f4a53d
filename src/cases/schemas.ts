// Request and response schemas of the cases routes. Requests are strict (no extra properties,
// bounded sizes); responses are allow-lists (only declared fields are serialised).
import { type TSchema, Type } from '@sinclair/typebox';
import { ENTITY_KINDS, MEMBER_ROLES } from './case-model.js';

const strict = <T extends Parameters<typeof Type.Object>[0]>(props: T) =>
  Type.Object(props, { additionalProperties: false });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Ern = Type.String({ pattern: '^ATT-[0-9]{6,}$', maxLength: 20 });
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const CaseParam = strict({ ref: Type.String({ pattern: '^CASE-[0-9]{4,}$', maxLength: 20 }) });
export const CaseItemParams = strict({ ref: CaseParam.properties.ref, ern: Ern });
export const RfaParam = strict({ ref: Type.String({ pattern: '^RFA-[0-9]{4,}$', maxLength: 20 }) });
export const ErnParam = strict({ ern: Ern });
export const UserParams = strict({
  ref: CaseParam.properties.ref,
  userId: Type.String({ minLength: 1, maxLength: 128, description: 'The user id or username' }),
});
export const JurisdictionParam = strict({ code: Type.String({ pattern: '^[A-Z]{2,3}(-[A-Z0-9]{1,8})?$' }) });
export const ExportParam = strict({
  id: Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' }),
});

export const CaseBody = strict({
  title: Text(500),
  legalFramework: Type.Optional(Text(500)),
  compartment: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' })),
});
export const ItemsBody = strict({ erns: Type.Array(Ern, { minItems: 1, maxItems: 1000 }) });
export const EntityBody = strict({
  kind: Type.Union(ENTITY_KINDS.map((k) => Type.Literal(k))),
  name: Text(500),
  pseudonym: Type.Optional(Text(100)),
  protected: Type.Optional(Type.Boolean()),
  nameCompartment: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' })),
  entityRef: Type.Optional(Text(128)),
  itemErns: Type.Optional(Type.Array(Ern, { maxItems: 1000 })),
});
export const IncidentBody = strict({
  title: Text(500),
  incidentRef: Type.Optional(Text(128)),
  occurredOn: Type.Optional(IsoDate),
});
export const NoteBody = strict({ body: Text(20_000) });
export const MemberBody = strict({
  role: Type.Union(MEMBER_ROLES.map((r) => Type.Literal(r))),
});
export const CrimeBody = strict({ crime: Text(64) });
export const LinkBody = strict({
  elementId: Text(64),
  targetKind: Type.Union([Type.Literal('item'), Type.Literal('incident')]),
  target: Text(64),
  stance: Type.Union([Type.Literal('supports'), Type.Literal('contradicts')]),
  note: Text(2000),
});
export const JurisdictionBody = strict({ name: Text(200), deathPenalty: Type.Boolean() });
export const RfaBody = strict({
  caseRef: CaseParam.properties.ref,
  authority: Text(300),
  jurisdiction: JurisdictionParam.properties.code,
  purpose: Type.String({ pattern: '^[a-z][a-z0-9-]{1,39}$' }),
  scope: Text(4000),
  receivedOn: IsoDate,
  dueOn: Type.Optional(IsoDate),
});
export const StatusBody = strict({ status: Text(20) });
export const OverrideBody = strict({ ern: Ern, reason: Type.String({ minLength: 10, maxLength: 4000 }) });
export const ConditionBody = strict({
  subjectKind: Type.Union([Type.Literal('item'), Type.Literal('source'), Type.Literal('witness')]),
  subject: Text(500),
  jurisdictions: Type.Optional(Type.Array(Type.String({ maxLength: 12 }), { minItems: 1, maxItems: 100 })),
  purposes: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { minItems: 1, maxItems: 100 })),
  noDeathPenalty: Type.Optional(Type.Boolean()),
  noSharing: Type.Optional(Type.Boolean()),
  note: Type.Optional(Text(2000)),
  compartment: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' })),
});
const Region = strict({
  x: Type.Integer({ minimum: 0 }),
  y: Type.Integer({ minimum: 0 }),
  width: Type.Integer({ minimum: 1 }),
  height: Type.Integer({ minimum: 1 }),
  page: Type.Optional(Type.Integer({ minimum: 1 })),
});
export const RedactionBody = strict({
  spans: Type.Optional(
    Type.Array(strict({ start: Type.Integer({ minimum: 0 }), end: Type.Integer({ minimum: 1 }) }), {
      maxItems: 10_000,
    }),
  ),
  regions: Type.Optional(Type.Array(Region, { maxItems: 10_000 })),
  pseudonymsFrom: Type.Optional(CaseParam.properties.ref),
});
export const ExportBody = strict({
  target: Type.String({ pattern: '^(CASE|RFA)-[0-9]{4,}$', maxLength: 20 }),
  redacted: Type.Optional(Type.Boolean()),
});

export const IdResult = Type.Object({ id: Type.String() });
export const CaseSummarySchema = Type.Object({
  id: Type.String(),
  ref: Type.String(),
  title: Type.String(),
  legalFramework: Type.String(),
  compartment: Type.String(),
  status: Type.String(),
  createdAt: Type.String(),
  createdBy: Type.String(),
});
export const CaseListSchema = Type.Object({ cases: Type.Array(CaseSummarySchema) });
export const CaseDetailSchema = Type.Object({
  ...CaseSummarySchema.properties,
  items: Type.Array(
    Type.Object({
      ern: Type.String(),
      title: Type.String(),
      mediaType: Type.String(),
      sha256: Type.String(),
      size: Type.Number(),
      parentErn: Nullable(Type.String()),
      addedAt: Type.String(),
    }),
  ),
  // `name` is the pseudonym for a protected entity the caller may not see by name.
  entities: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.String(),
      name: Type.String(),
      pseudonym: Nullable(Type.String()),
      protected: Type.Boolean(),
      entityRef: Nullable(Type.String()),
      itemErns: Type.Array(Type.String()),
    }),
  ),
  incidents: Type.Array(
    Type.Object({
      id: Type.String(),
      incidentRef: Nullable(Type.String()),
      title: Type.String(),
      occurredOn: Nullable(Type.String()),
    }),
  ),
  notes: Type.Array(
    Type.Object({
      id: Type.String(),
      body: Type.String(),
      at: Type.String(),
      author: Type.String(),
      authorName: Nullable(Type.String()),
    }),
  ),
  team: Type.Array(
    Type.Object({
      userId: Type.String(),
      username: Nullable(Type.String()),
      role: Type.String(),
      addedAt: Type.String(),
    }),
  ),
  checklists: Type.Array(Type.String()),
});
export const AddItemsResult = Type.Object({
  added: Type.Array(Type.String()),
  already: Type.Array(Type.String()),
});
const EvidenceSchema = Type.Object({
  linkId: Type.String(),
  kind: Type.String(),
  ref: Type.String(),
  title: Type.String(),
  stance: Type.String(),
  note: Type.String(),
  via: Type.String(),
});
export const CoverageSchema = Type.Object({
  caseRef: Type.String(),
  elements: Type.Number(),
  covered: Type.Number(),
  gaps: Type.Array(Type.String()),
  crimes: Type.Array(
    Type.Object({
      id: Type.String(),
      title: Type.String(),
      citation: Type.String(),
      contextual: Type.Boolean(),
      elements: Type.Array(
        Type.Object({
          id: Type.String(),
          n: Type.Number(),
          text: Type.String(),
          citation: Type.String(),
          notes: Type.Optional(Type.String()),
          supporting: Type.Array(EvidenceSchema),
          contradicting: Type.Array(EvidenceSchema),
          gap: Type.Boolean(),
        }),
      ),
    }),
  ),
});
export const ChecklistsSchema = Type.Object({
  checklists: Type.Array(
    Type.Object({
      id: Type.String(),
      title: Type.String(),
      source: Type.Object({ instrument: Type.String(), url: Type.String(), transcription: Type.String() }),
      crimes: Type.Array(
        Type.Object({
          id: Type.String(),
          title: Type.String(),
          citation: Type.String(),
          contextual: Type.Boolean(),
          elements: Type.Array(
            Type.Object({
              id: Type.String(),
              n: Type.Number(),
              text: Type.String(),
              citation: Type.String(),
              notes: Type.Optional(Type.String()),
              context: Type.Optional(Type.String()),
            }),
          ),
        }),
      ),
    }),
  ),
});
const JurisdictionSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  deathPenalty: Type.Boolean(),
});
export const JurisdictionListSchema = Type.Object({ jurisdictions: Type.Array(JurisdictionSchema) });
export { JurisdictionSchema };
export const RfaSchema = Type.Object({
  id: Type.String(),
  ref: Type.String(),
  caseRef: Type.String(),
  authority: Type.String(),
  jurisdiction: JurisdictionSchema,
  purpose: Type.String(),
  scope: Type.String(),
  status: Type.String(),
  receivedOn: Type.String(),
  dueOn: Nullable(Type.String()),
  closedOn: Nullable(Type.String()),
  createdAt: Type.String(),
});
export const RfaListSchema = Type.Object({ rfas: Type.Array(RfaSchema) });
export const RfaDetailSchema = Type.Object({
  rfa: RfaSchema,
  decisions: Type.Array(
    Type.Object({
      ern: Type.String(),
      allowed: Type.Boolean(),
      reasons: Type.Array(Type.String()),
      blocks: Type.Array(
        Type.Object({
          subject: Type.String({ description: 'item, source or witness: whose condition' }),
          rule: Type.String({ description: 'no-sharing, jurisdictions, purposes or death-penalty' }),
          values: Type.Array(Type.String(), { description: 'what the condition allows' }),
        }),
      ),
      overrideId: Nullable(Type.String()),
    }),
  ),
});
const ConditionSchema = Type.Object({
  id: Type.String(),
  subjectKind: Type.String(),
  subjectRef: Type.String(),
  jurisdictions: Nullable(Type.Array(Type.String())),
  purposes: Nullable(Type.Array(Type.String())),
  noDeathPenalty: Type.Boolean(),
  noSharing: Type.Boolean(),
  note: Type.String(),
  recordedAt: Type.String(),
});
export const ConditionListSchema = Type.Object({ conditions: Type.Array(ConditionSchema) });
export { ConditionSchema };
export const RedactionResultSchema = Type.Object({
  ern: Type.String(),
  sha256: Type.String(),
  of: Type.String(),
  method: Type.String(),
});
export const RedactionListSchema = Type.Object({
  redactions: Type.Array(
    Type.Object({
      ern: Type.String(),
      sha256: Type.String(),
      mediaType: Type.String(),
      method: Type.String({ description: 'image-regions, pdf-render or text' }),
      parts: Type.Integer({ description: 'regions burnt in or spans removed' }),
      createdAt: Type.String(),
      createdBy: Type.String(),
    }),
  ),
});
export const ExportSchema = Type.Object({
  id: Type.String(),
  target: Type.String(),
  redacted: Type.Boolean(),
  status: Type.String(),
  done: Type.Number(),
  total: Type.Number(),
  items: Type.Number(),
  excluded: Type.Array(Type.Object({ ern: Type.String(), reasons: Type.Array(Type.String()) })),
  sha256: Nullable(Type.String()),
  error: Nullable(Type.String()),
  jobId: Nullable(Type.String({ description: 'The durable job that builds the package' })),
  attempts: Type.Integer({ description: 'Attempts the job has made so far' }),
  maxAttempts: Type.Integer(),
  progress: Type.Integer({ minimum: 0, maximum: 100, description: 'Percent, as the job reports it' }),
  createdAt: Type.String(),
  finishedAt: Nullable(Type.String()),
});
export const ExportListSchema = Type.Object({ exports: Type.Array(ExportSchema) });
