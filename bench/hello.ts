// The reference points of the API benchmark: a bare Fastify answering a constant JSON object, and the
// same payloads Herald's scenarios answer, parsed once into memory and serialised per request by
// Fastify's default serialiser (PAYLOAD_DIR: every <name>.json there is served at /payload/<name>).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
const dir = process.env.PAYLOAD_DIR;
for (const file of dir ? await readdir(dir) : []) {
  if (!file.endsWith('.json')) continue;
  const payload: unknown = JSON.parse(await readFile(join(dir!, file), 'utf8'));
  app.get(`/payload/${file.slice(0, -'.json'.length)}`, async () => payload);
}
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
