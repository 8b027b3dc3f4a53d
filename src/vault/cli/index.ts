// The vault's commands: `attest add`, `amend`, `show`, `list`, `get` and `gc`.
import type { Register } from '../../cli/command.js';
import { registerAdd } from './add.js';
import { registerAmend } from './amend.js';
import { registerGc } from './gc.js';
import { registerGet } from './get.js';
import { registerList } from './list.js';
import { registerShow } from './show.js';

export const VAULT_COMMANDS: readonly Register[] = [
  registerAdd,
  registerAmend,
  registerShow,
  registerList,
  registerGet,
  registerGc,
];
