// Browser tests: every *.e2e.mjs in this folder, each against its own freshly started Herald.
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv[2];
const files = (await readdir(dir)).filter((f) => f.endsWith('.e2e.mjs') && (!only || f.includes(only))).sort();
let passed = 0;
let failed = 0;
for (const file of files) {
  console.log(`${file}`);
  try {
    const mod = await import(`./${file}`);
    await mod.default();
    passed += 1;
  } catch (err) {
    failed += 1;
    console.error(err);
  }
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
