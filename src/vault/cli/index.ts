// The vault's commands: `attest add`, `show`, `list` and `get`.
import type { Register } from '../../cli/command.js';
import { registerAdd } from './add.js';
import { registerGet } from './get.js';
import { registerList } from './list.js';
import { registerShow } from './show.js';

export const VAULT_COMMANDS: readonly Register[] = [registerAdd, registerShow, registerList, registerGet];
