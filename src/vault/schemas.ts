// Request and response schemas of the evidence routes; the response schemas are the
// allow-list of what leaves the server.
import { Type } from '@sinclair/typebox';

export const ErnParam = Type.Object(
  { ern: Type.String({ pattern: '^ATT-[0-9]{6,15}$', description: 'evidence reference number' }) },
  { additionalProperties: false },
);

export const ItemSchema = Type.Object({
  id: Type.String(),
  ern: Type.String(),
  sha256: Type.String(),
  title: Type.String(),
  kind: Type.String(),
  mediaType: Type.String(),
  originalName: Type.String(),
  originalNameHex: Type.Union([Type.String(), Type.Null()]),
  size: Type.Integer(),
  source: Type.String(),
  collectedAt: Type.String(),
  collectedBy: Type.String(),
  compartment: Type.String(),
  parentItemId: Type.Union([Type.String(), Type.Null()]),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String(),
  createdBy: Type.String(),
});

export const ItemListQuery = Type.Object(
  {
    after: Type.Optional(
      Type.String({ pattern: '^ATT-[0-9]{6,15}$', description: 'cursor: continue after this ERN' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    kind: Type.Optional(Type.String({ pattern: '^[a-z-]{1,32}$' })),
  },
  { additionalProperties: false },
);

export const ItemListSchema = Type.Object({
  items: Type.Array(ItemSchema),
  next: Type.Union([Type.String(), Type.Null()], { description: 'ERN to pass as `after` for the next page' }),
});

export const AddResultSchema = Type.Object({
  status: Type.Union([Type.Literal('added'), Type.Literal('duplicate')]),
  item: ItemSchema,
});

export const CustodyTimelineSchema = Type.Object({
  ern: Type.String(),
  checkpoint: Type.Union([
    Type.Object({ size: Type.Integer(), root: Type.String(), signedNote: Type.String(), at: Type.String() }),
    Type.Null(),
  ]),
  key: Type.String(),
  entries: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      at: Type.String(),
      kind: Type.String(),
      actor: Type.String(),
      actorName: Type.Union([Type.String(), Type.Null()], {
        description: "the actor's username when the actor is an account (not part of the logged entry)",
      }),
      leafHash: Type.String(),
      proof: Type.Union([Type.Array(Type.String()), Type.Null()], {
        description: 'inclusion proof to the checkpoint',
      }),
    }),
  ),
});
