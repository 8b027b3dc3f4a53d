// Commands added by later domains (custody log, users, operations, demo) register here.
import type { Register } from './main.js';

export const registerExtraCommands: Register[] = [];
