/**
 * schema-parts.ts — TypeBox pieces shared by the ops routes' schemas: ids, times, places, status.
 */
import { Type } from '@sinclair/typebox';
import { LIMITS } from './observations/validation.js';

/** Id is an opaque, user-chosen id: letters, digits and `._:-`, bounded. */
export const Id = Type.String({
  minLength: 1,
  maxLength: LIMITS.idLength,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$',
});

/** IsoTime is a UTC date or date-time as a query parameter (`2016-12-15` or `2016-12-15T10:00Z`). */
export const IsoTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?Z)?$',
  maxLength: 30,
});

export const OperationParam = Type.Object({ id: Id }, { additionalProperties: false });

export const Name = Type.String({ minLength: 1, maxLength: 300 });
const Lat = Type.Number({ minimum: -90, maximum: 90 });
const Lon = Type.Number({ minimum: -180, maximum: 180 });
const Pcode = Type.String({ pattern: '^[A-Z]{1,3}[0-9]{1,10}$' });

export const PlaceSchema = Type.Union([
  Type.Object(
    {
      pcode: Pcode,
      name: Name,
      nameAr: Type.Optional(Name),
      lat: Type.Optional(Lat),
      lon: Type.Optional(Lon),
      adm1Pcode: Type.Optional(Pcode),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      lat: Lat,
      lon: Lon,
      name: Name,
      nameAr: Type.Optional(Name),
      approximate: Type.Optional(Type.Boolean()),
      contextPcode: Type.Optional(Pcode),
    },
    { additionalProperties: false },
  ),
]);

export const StatusSchema = Type.Union([
  Type.Literal('planned'),
  Type.Literal('active'),
  Type.Literal('suspended'),
  Type.Literal('resumed'),
  Type.Literal('completed'),
]);

export const StatusChangeSchema = Type.Object(
  { status: StatusSchema, at: Type.String({ maxLength: 30 }), reason: Type.String({ maxLength: 2000 }) },
  { additionalProperties: false },
);
