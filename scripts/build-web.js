#!/usr/bin/env node
// Builds the web app (web/ → web/dist) with Vite. Run by `npm install` (prepare) and by
// `npm start` when no build exists yet (`--if-missing`), so the README's two commands bring up
// the API and the app. Without Vite (a production install that omitted devDependencies) it says
// so and leaves the API to run alone.
import { existsSync } from 'node:fs';

const ifMissing = process.argv.includes('--if-missing');
if (ifMissing && existsSync('web/dist/index.html')) process.exit(0);

let vite;
try {
  vite = await import('vite');
} catch {
  console.warn('attest: vite is not installed, so the web app was not built (the API still runs).');
  process.exit(0);
}
await vite.build({ root: 'web', configFile: 'web/vite.config.ts', logLevel: 'warn' });
console.log('attest: web app built in web/dist');
