#!/usr/bin/env node
// Builds the dashboard (web/dist) and the server (server/dist), each only when its sources changed.
//
//   node scripts/build.mjs           build what changed since the last build (`npm start` runs this)
//   node scripts/build.mjs --force   build both whatever the stamps say (`npm run build`)
//
// Each build output keeps a stamp (.herald-build.json) holding a SHA-256 over the contents and paths of
// its inputs (sources, configs, package.json files and the lockfile) and the Node major version. A build
// is skipped when the stamp matches, so a second `npm start` costs a hash of a few hundred files, not a
// Vite and a TypeScript build. The stamp is written only after its build succeeded.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = '.herald-build.json';
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'coverage']);

/** What each output is built from, and the file that proves the output exists. */
export const TARGETS = [
  {
    name: 'web',
    workspace: 'web',
    output: 'web/dist',
    proof: 'web/dist/index.html',
    inputs: ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'web/tsconfig.json', 'web/package.json'],
  },
  {
    name: 'server',
    workspace: 'server',
    output: 'server/dist',
    proof: 'server/dist/cli.js',
    inputs: ['server/src', 'server/scripts', 'server/tsconfig.json', 'server/tsconfig.build.json', 'server/package.json'],
  },
];
const SHARED_INPUTS = ['package.json', 'package-lock.json', 'scripts/build.mjs'];

function filesUnder(path) {
  const abs = join(ROOT, path);
  if (!existsSync(abs)) return [];
  if (statSync(abs).isFile()) return [path];
  return readdirSync(abs, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(ROOT, join(e.parentPath ?? e.path, e.name)))
    .filter((p) => !p.split('/').some((part) => SKIP_DIRS.has(part)));
}

/** SHA-256 over every input file's path and bytes, in a stable order. */
export function sourceHash(target) {
  const hash = createHash('sha256');
  hash.update(`node ${process.versions.node.split('.')[0]}\n`);
  const files = [...target.inputs, ...SHARED_INPUTS].flatMap(filesUnder).sort();
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(ROOT, file)));
    hash.update('\0');
  }
  return { hash: hash.digest('hex'), files: files.length };
}

function readStamp(target) {
  try {
    return JSON.parse(readFileSync(join(ROOT, target.output, STAMP), 'utf8'));
  } catch {
    return null;
  }
}

function build(target) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build', '-w', target.workspace], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`\nbuild of ${target.name} failed (exit ${result.status ?? result.signal}); nothing was started\n`);
    process.exit(result.status ?? 1);
  }
}

function main() {
  const force = process.argv.includes('--force');
  for (const target of TARGETS) {
    const started = Date.now();
    const { hash, files } = sourceHash(target);
    const stamp = readStamp(target);
    const upToDate = !force && stamp?.hash === hash && existsSync(join(ROOT, target.proof));
    if (upToDate) {
      process.stdout.write(`${target.name}: up to date (${files} source files unchanged since ${stamp.builtAt})\n`);
      continue;
    }
    const why = force ? 'forced' : !stamp ? 'no previous build' : stamp.hash !== hash ? 'sources changed' : 'build output missing';
    process.stdout.write(`${target.name}: building (${why})\n`);
    build(target);
    writeFileSync(join(ROOT, target.output, STAMP), `${JSON.stringify({ hash, files, builtAt: new Date().toISOString(), seconds: Math.round((Date.now() - started) / 100) / 10 }, null, 2)}\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
