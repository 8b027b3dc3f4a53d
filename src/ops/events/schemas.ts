/** schemas.ts — the event stream's query string. */
import { Type } from '@sinclair/typebox';

export const EventsQuery = Type.Object(
  {
    lastEventId: Type.Optional(
      Type.String({ pattern: '^[0-9]{1,15}$', description: 'resume after this event (as Last-Event-ID)' }),
    ),
    follow: Type.Optional(
      Type.Union([Type.Literal('true'), Type.Literal('false'), Type.Literal('1'), Type.Literal('0')]),
    ),
  },
  { additionalProperties: false },
);
