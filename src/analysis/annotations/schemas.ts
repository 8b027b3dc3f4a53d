// Request and response schemas of the tag and note routes (the response schemas are the
// allow-list of what leaves the server).
import { Type } from '@sinclair/typebox';
import { MAX_NOTE_CHARS, MAX_TAG_CHANGES, MAX_TAG_CHARS } from './service.js';

export const ErnParam = Type.Object(
  { ern: Type.String({ pattern: '^ATT-[0-9]{6,15}$' }) },
  { additionalProperties: false },
);

const Tag = Type.String({ minLength: 1, maxLength: MAX_TAG_CHARS });

export const TagsBody = Type.Object(
  {
    add: Type.Optional(Type.Array(Tag, { maxItems: MAX_TAG_CHANGES })),
    remove: Type.Optional(Type.Array(Tag, { maxItems: MAX_TAG_CHANGES })),
  },
  { additionalProperties: false },
);

export const NoteBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: MAX_NOTE_CHARS + 1000 }) },
  { additionalProperties: false },
);

export const NoteSchema = Type.Object({
  id: Type.String(),
  text: Type.String(),
  createdAt: Type.String(),
  createdBy: Type.String(),
});

export const AnnotationsSchema = Type.Object({
  ern: Type.String(),
  tags: Type.Array(Type.Object({ tag: Type.String(), createdAt: Type.String(), createdBy: Type.String() })),
  notes: Type.Array(NoteSchema),
  canWrite: Type.Boolean(),
});
