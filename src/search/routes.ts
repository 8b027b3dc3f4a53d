/**
 * routes.ts — search and the gazetteer over HTTP: GET /api/search (results, total, facets, next
 * cursor, all inside the caller's compartments), place name resolution, one place with the
 * units around it, and an item's place mentions.
 */
import type { Permission } from '../access/index.js';
import type { AttestPlugin } from '../api/type-provider.js';
import type { Ctx } from '../ctx.js';
import type { EntityReach } from './entity-terms.js';
import { SearchError } from './errors.js';
import { ancestors, loadGazetteer } from './gazetteer/places.js';
import { resolvePlace } from './gazetteer/resolve.js';
import { itemMentions } from './mentions.js';
import {
  CandidatesSchema,
  ErnParam,
  MentionsSchema,
  PcodeParam,
  PlaceDetailSchema,
  ResolveQuery,
  SearchQuery,
  SearchResultSchema,
} from './schemas.js';
import { search } from './service.js';

const tags = ['search'];

type Compartments = readonly string[] | 'all';
const both = (a: Compartments, b: Compartments): Compartments =>
  a === 'all' ? b : b === 'all' ? a : a.filter((c) => b.includes(c));

/**
 * entityReach: entity names match where the caller reads analysis records (analysis:read and
 * items:read, as src/analysis requires) and protected names where they hold persons:reveal too.
 */
function entityReach(access: { compartmentsFor(p: Permission): Compartments }): EntityReach {
  const read = both(access.compartmentsFor('analysis:read'), access.compartmentsFor('items:read'));
  return { read, reveal: both(access.compartmentsFor('persons:reveal'), read) };
}

export const searchRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  app.get(
    '/api/search',
    {
      config: { policy: { permission: 'items:read' } },
      schema: {
        operationId: 'search',
        summary: 'Full-text search over the items the caller may read, with facets and a cursor',
        tags,
        querystring: SearchQuery,
        response: { 200: SearchResultSchema },
      },
    },
    async (request) =>
      search(ctx, {
        q: request.query.q,
        compartments: request.access.compartmentsFor('items:read'),
        entities: entityReach(request.access),
        // A protected real name found is a reveal, logged under the caller (reveal-log.ts).
        ...(request.access.userId ? { actor: request.access.userId } : {}),
        ...(request.query.limit !== undefined ? { limit: request.query.limit } : {}),
        ...(request.query.cursor !== undefined ? { cursor: request.query.cursor } : {}),
        ...(request.query.sort !== undefined ? { sort: request.query.sort } : {}),
      }),
  );

  app.get(
    '/api/places',
    {
      config: { policy: { authenticated: true } },
      schema: {
        operationId: 'resolvePlace',
        summary: 'Gazetteer places a name may mean (any spelling or script), best first',
        tags,
        querystring: ResolveQuery,
        response: { 200: CandidatesSchema },
      },
    },
    async (request) => ({
      candidates: resolvePlace(request.query.q, request.query.near?.split(',') ?? []).slice(0, 50),
    }),
  );

  app.get(
    '/api/places/:pcode',
    {
      config: { policy: { authenticated: true } },
      schema: {
        operationId: 'getPlace',
        summary: 'One gazetteer place and the admin units it lies in',
        tags,
        params: PcodeParam,
        response: { 200: PlaceDetailSchema },
      },
    },
    async (request) => {
      const places = loadGazetteer().places;
      const place = places.get(request.params.pcode);
      if (!place) throw new SearchError('NOT_FOUND', `no place ${request.params.pcode}`);
      const within = ancestors(place)
        .filter((p) => p !== place.pcode)
        .map((p) => places.get(p)!)
        .filter(Boolean);
      return { place, within };
    },
  );

  app.get(
    '/api/items/:ern/places',
    {
      config: { policy: { permission: 'items:read' } },
      schema: {
        operationId: 'itemPlaceMentions',
        summary: "The places an item's texts mention, with offsets (a derived annotation)",
        tags,
        params: ErnParam,
        response: { 200: MentionsSchema },
      },
    },
    async (request) => itemMentions(ctx, request.params.ern, request.access.compartmentsFor('items:read')),
  );
};
