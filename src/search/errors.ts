import { AttestError } from '../lib/errors.js';

export type SearchErrorCode =
  /** The query does not parse: unbalanced quotes or parentheses, an unknown filter, a bad value. */
  | 'INVALID_QUERY'
  /** The query is longer, has more terms or nests deeper than the limits in query/parse.ts. */
  | 'QUERY_TOO_COMPLEX'
  /** The cursor was not made by this server for this query. */
  | 'INVALID_CURSOR'
  /** place: names no gazetteer place. */
  | 'UNKNOWN_PLACE'
  /** No item with this ERN is visible to the caller (or no saved search of the caller's with this id). */
  | 'NOT_FOUND'
  /** A saved search's name is missing, too long or has control characters, or its sort is unknown. */
  | 'INVALID_SAVED_SEARCH'
  /** The user already keeps the most saved searches allowed (saved.ts MAX_SAVED). */
  | 'TOO_MANY_SAVED_SEARCHES';

/** SearchError is raised by search and the gazetteer; `code` says which rule the input broke. */
export class SearchError extends AttestError<SearchErrorCode> {}
