/**
 * index.ts — what other domains (and their tests) may import from the demo scenario: the
 * generated Aleppo 2016 data and the seeded random numbers it is built from.
 */
export { generateAleppo2016, REFERENCE } from './aleppo-2016.js';
export { EAST_ID, FUAH_ID } from './aleppo-2016-operations.js';
export { mulberry32, type Random } from './prng.js';
