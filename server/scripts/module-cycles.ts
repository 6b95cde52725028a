// Lists import cycles between the domain modules (server/src/modules/<domain>/) and between files.
// Usage: cd server && npx tsx scripts/module-cycles.ts
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
const files: string[] = [];
const walk = (dir: string): void => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files.push(path);
  }
};
walk(src);

// Static imports only (`import type` included: a type cycle is still a design cycle); dynamic import() is lazy loading.
const importRe = /^\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms;
const edges = new Map(files.map((f) => [f, new Set<string>()]));
for (const file of files) {
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(importRe)) {
    const target = resolve(dirname(file), (spec ?? '').replace(/\.js$/, '.ts'));
    if (edges.has(target)) edges.get(file)!.add(target);
  }
}

const moduleOf = (f: string): string | null => relative(src, f).match(/^modules\/([^/]+)\//)?.[1] ?? null;
const modEdges = new Map<string, Map<string, string[]>>();
for (const [from, tos] of edges) {
  const a = moduleOf(from);
  if (!a) continue;
  for (const to of tos) {
    const b = moduleOf(to);
    if (!b || a === b) continue;
    if (!modEdges.has(a)) modEdges.set(a, new Map());
    const byTarget = modEdges.get(a)!;
    if (!byTarget.has(b)) byTarget.set(b, []);
    byTarget.get(b)!.push(`${relative(src, from)} → ${relative(src, to)}`);
  }
}

/** Strongly connected components (Tarjan) of a graph given as node → iterable of nodes. */
function components(nodes: string[], next: (v: string) => Iterable<string>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of next(v)) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1) out.push(c);
    }
  };
  for (const v of nodes) if (!idx.has(v)) visit(v);
  return out;
}

const modules = [...new Set([...modEdges.keys(), ...[...modEdges.values()].flatMap((m) => [...m.keys()])])].sort();
const modCycles = components(modules, (m) => modEdges.get(m)?.keys() ?? []);
const fileCycles = components(files, (f) => edges.get(f)!);
console.log(`${files.length} files, ${modules.length} modules`);
console.log(`module cycles: ${modCycles.length}`);
for (const c of modCycles) {
  console.log(`  ${c.sort().join(' ↔ ')}`);
  for (const a of c) for (const b of c) for (const e of modEdges.get(a)?.get(b) ?? []) console.log(`    ${e}`);
}
console.log(`file cycles: ${fileCycles.length}`);
for (const c of fileCycles) console.log(`  ${c.map((f) => relative(src, f)).sort().join(' ↔ ')}`);
