// The custody log's commands: `attest log …` and `attest verify`.
export { type ItemLookup, logCommands } from './log.js';
export { type VerifyCheck, verifyChecks, verifyCommand } from './verify.js';
export { runVerifyChecks } from './verify-run.js';
