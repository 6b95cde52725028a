#!/usr/bin/env node
// Entry point for `npx herald …` and `npm run herald -- …`: runs the compiled CLI.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('Herald is not built yet. Run `npm run build` (or `npm start`) first.');
  process.exit(1);
}
await import(cli);
