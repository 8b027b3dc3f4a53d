/**
 * limits.ts — the bounds of account input, shared by the services that enforce them and the
 * schemas that validate and document them (and that the web app's types are built from, so
 * this file imports nothing).
 */

/** A username: 2–63 lowercase letters, digits, dots, dashes or underscores. */
export const USERNAME_PATTERN = '^[a-z0-9][a-z0-9._-]{1,62}$';
/**
 * Usernames with this prefix belong to exercise replays (src/demo/replay.ts): only the replay
 * creates them, so nobody can pre-create an account a replay would then hand a grant to.
 */
export const EXERCISE_USERNAME_PREFIX = 'exercise-';
/** The `created_by` of the accounts (and grants) an exercise replay makes: a marker nobody else sets. */
export const EXERCISE_ACTOR = 'exercise-replay';
/** Password length bounds (characters); the upper one bounds the work a login can cost us. */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;
/** An API token lives at most this many days. */
export const MAX_TOKEN_DAYS = 366;
