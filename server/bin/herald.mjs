#!/usr/bin/env node
// Entry point for `npx herald …` and `npm run herald -- …`: runs the compiled CLI.
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('Herald is not built yet. Run `npm run build` (or `npm start`) first.');
  process.exit(1);
}
// Node 22.1+ keeps compiled modules on disk (in the OS temp directory unless NODE_COMPILE_CACHE says
// where), so a restart skips most JavaScript compilation. Older Node has no such cache.
module.enableCompileCache?.();
await import(cli);
