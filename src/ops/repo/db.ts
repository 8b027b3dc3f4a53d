/** db.ts — the handle every ops repo function takes: the database or a transaction on it. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';

export type Db = Kysely<Database> | Transaction<Database>;
