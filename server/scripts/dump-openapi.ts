// Writes the OpenAPI document (generated from the route schemas) to a file, for the dashboard's typed client.
// Usage: tsx scripts/dump-openapi.ts <out.json>
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createRuntime } from '../src/runtime.js';

const out = process.argv[2];
if (!out) throw new Error('usage: dump-openapi.ts <out.json>');
const dataDir = await mkdtemp(join(tmpdir(), 'herald-openapi-'));
const config = loadConfig(
  { LOG_LEVEL: 'silent', HERALD_DATA_DIR: dataDir, HERALD_SECRET_KEYS: `dump:${randomBytes(32).toString('base64')}`, HERALD_PUBLIC_URL: 'http://localhost:8080' },
  { pgliteDir: null },
);
const runtime = await createRuntime(config, { supervise: false });
const app = await buildApp(runtime);
await app.ready();
await writeFile(out, `${JSON.stringify(app.swagger(), null, 2)}\n`);
await app.close();
await runtime.close();
await rm(dataDir, { recursive: true, force: true });
