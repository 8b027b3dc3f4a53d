// The custody log's commands: `attest log …` and `attest verify`.
export { type ItemLookup, logCommands } from './log.js';
export { type VerifyCheck, verifyCommand } from './verify.js';
