// Shared helpers for browser tests: a built Herald on a free port with a fresh data dir, and Chromium.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SCREENSHOTS = join(ROOT, 'e2e', 'screenshots');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts `herald start` from the build with its own data dir; returns its URL and a stop function.
 * `extraEnv` is an object, or a function of Herald's URL (known before it starts) that returns one:
 * for fakes that must know where Herald lives, such as an OAuth platform checking its redirect URI.
 */
export async function startHerald(extraEnv = {}) {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'herald-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  const env = typeof extraEnv === 'function' ? await extraEnv(url) : extraEnv;
  const child = spawn(process.execPath, [join(ROOT, 'server/bin/herald.mjs'), 'start'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HOST: '127.0.0.1', PORT: String(port), HERALD_PUBLIC_URL: url, HERALD_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Herald exited early:\n${output}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`Herald did not become ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    dataDir,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  await mkdir(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Records every Content-Security-Policy violation the page reports in its console into `into`. */
export function recordCspViolations(page, into) {
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) into.push(`${page.url()}: ${message.text()}`);
  });
}

export async function shot(page, name) {
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Runs named steps, printing each, and fails with the step's name. */
export async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    console.log(`  ✗ ${name}`);
    throw err;
  }
}

/**
 * First-run setup in the browser: the first visit goes to /setup, which creates the owner and their
 * first organization; resolves once the organization's page is open.
 */
export async function setUpFirstOwner(page, url, owner) {
  await page.goto(url);
  await page.waitForURL('**/setup');
  await page.getByTestId('setup-name').fill(owner.name);
  await page.getByTestId('setup-email').fill(owner.email);
  await page.getByTestId('setup-password').fill(owner.password);
  await page.getByTestId('setup-org').fill(owner.org);
  await page.getByTestId('setup-submit').click();
  await page.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
}
