import { readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * An empty PGlite data directory made once at build time, so a first `herald start` unpacks it instead
 * of running initdb. PGlite's initdb runs a second PostgreSQL and the initdb program beside the first,
 * each in its own WebAssembly memory: it peaks near 850 MB RSS and the process keeps most of it for
 * its lifetime. Unpacking the template peaks near what a restart takes (about 300 MB for bare PGlite).
 *
 * The template holds nothing of Herald's (no migrations), only what initdb writes, so it depends on the
 * PGlite build alone: it is keyed by PGlite's version and ignored when that differs.
 */
const TEMPLATE = fileURLToPath(new URL('../pglite-template.tar.gz', import.meta.url));
const TEMPLATE_INFO = fileURLToPath(new URL('../pglite-template.json', import.meta.url));

/** The installed PGlite's version, or null when it cannot be read. */
export function pgliteVersion(): string | null {
  try {
    const entry = import.meta.resolve('@electric-sql/pglite');
    const pkg = JSON.parse(readFileSync(new URL('../package.json', entry), 'utf8')) as { version?: string };
    return pkg.version ?? null;
  } catch {
    return null;
  }
}

function templateIsCurrent(): boolean {
  try {
    const info = JSON.parse(readFileSync(TEMPLATE_INFO, 'utf8')) as { pglite?: string };
    const version = pgliteVersion();
    return version !== null && info.pglite === version;
  } catch {
    return false;
  }
}

/** The template as PGlite's `loadDataDir` takes it, when one was built for this PGlite. */
export async function pgliteTemplate(): Promise<Blob | undefined> {
  if (!templateIsCurrent()) return undefined;
  try {
    return new Blob([await readFile(TEMPLATE)]);
  } catch {
    return undefined;
  }
}

/** Builds the template next to the compiled server (run by `npm run build -w server`); a no-op when current. */
export async function buildPgliteTemplate(): Promise<'built' | 'current'> {
  if (templateIsCurrent()) return 'current';
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create('memory://');
  try {
    const dump = await pglite.dumpDataDir('gzip');
    await writeFile(`${TEMPLATE}.tmp`, Buffer.from(await dump.arrayBuffer()));
    await rename(`${TEMPLATE}.tmp`, TEMPLATE);
    await writeFile(TEMPLATE_INFO, `${JSON.stringify({ pglite: pgliteVersion(), builtAt: new Date().toISOString() }, null, 2)}\n`);
    return 'built';
  } finally {
    await pglite.close();
  }
}

// `node dist/db/pglite-template.js`: the last step of the server build.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const result = await buildPgliteTemplate();
  process.stdout.write(`PGlite data directory template ${result === 'built' ? `built in ${((Date.now() - started) / 1000).toFixed(1)} s` : 'is current'}\n`);
}
