// Commands added by later domains (custody log, users, operations, demo) register here.
import { registerUser } from '../access/cli.js';
import { registerCases } from '../cases/cli.js';
import { registerLog } from '../custody/cli.js';
import { registerDemo } from '../demo/cli.js';
import { registerOps } from '../ops/cli.js';
import { registerSearch } from '../search/cli.js';
import type { Register } from './main.js';

export const registerExtraCommands: Register[] = [
  registerLog,
  registerUser,
  registerOps,
  registerCases,
  registerDemo,
  registerSearch,
];
