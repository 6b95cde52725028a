import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runHerald, waitForReady, type HeraldProcess } from './helpers/process.js';
import { video } from './media-fixtures.js';

/**
 * Uploads stream: a real `herald api` process takes a 150 MB video and its peak memory barely moves.
 * The request body is generated on the fly, so the test itself never holds the file either.
 */

const MB = 1024 * 1024;
let proc: HeraldProcess | undefined;
let dataDir: string | undefined;
afterAll(async () => {
  await proc?.stop('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Resident memory of a process right now (Linux), in bytes. */
async function rss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

async function json(url: string, init: RequestInit & { token?: string; body?: string } = {}) {
  const res = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** A multipart body around an MP4 of `mdatBytes` media data (moov at the end), produced chunk by chunk. */
function streamedUpload(mdatBytes: number): { body: ReadableStream<Uint8Array>; contentType: string; fileBytes: number } {
  const boundary = `----herald${randomBytes(8).toString('hex')}`;
  const sample = video({ mdatBytes: 16 });
  // ftyp, then an mdat header announcing the full size, then the moov that the sample ends with.
  const ftypSize = sample.readUInt32BE(0);
  const ftyp = sample.subarray(0, ftypSize);
  const moov = sample.subarray(ftypSize + 8 + 16);
  const mdatHeader = Buffer.alloc(8);
  mdatHeader.writeUInt32BE(8 + mdatBytes, 0);
  mdatHeader.write('mdat', 4, 'latin1');
  const head = Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.mp4"\r\ncontent-type: video/mp4\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const chunk = randomBytes(MB);
  let sent = 0;
  let stage = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (stage === 0) {
        controller.enqueue(Buffer.concat([head, ftyp, mdatHeader]));
        stage = 1;
      } else if (stage === 1) {
        const n = Math.min(MB, mdatBytes - sent);
        controller.enqueue(chunk.subarray(0, n));
        sent += n;
        if (sent >= mdatBytes) stage = 2;
      } else {
        controller.enqueue(Buffer.concat([moov, tail]));
        controller.close();
      }
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}`, fileBytes: ftyp.length + 8 + mdatBytes + moov.length };
}

describe.runIf(process.env.HERALD_TEST_DB !== 'postgres')('streaming uploads', () => {
  it('stores a 150 MB video without holding it in memory', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'herald-stream-'));
    const port = await freePort();
    proc = runHerald('api', {
      PORT: String(port),
      HERALD_PUBLIC_URL: `http://127.0.0.1:${port}`,
      HERALD_DATA_DIR: dataDir,
      HERALD_MEDIA_MAX_VIDEO_BYTES: String(200 * MB),
      LOG_LEVEL: 'warn',
    });
    await waitForReady(proc);
    const base = proc.url;
    const reg = await json(`${base}/api/v1/auth/register`, { method: 'POST', body: JSON.stringify({ email: 'big@example.com', password: 'a long enough password', name: 'Big' }) });
    expect(reg.status).toBe(201);
    const token = reg.body.accessToken as string;
    const org = await json(`${base}/api/v1/orgs`, { method: 'POST', token, body: JSON.stringify({ name: 'Big' }) });
    const ws = await json(`${base}/api/v1/orgs/${org.body.id}/workspaces`, { method: 'POST', token, body: JSON.stringify({ name: 'Big brand' }) });
    expect(ws.status).toBe(201);

    const pid = proc.child.pid!;
    const before = await rss(pid);
    // Sampled while the upload runs: the process's own peak (VmHWM) is dominated by start-up.
    let peak = before;
    const sampler = setInterval(() => {
      rss(pid).then((v) => (peak = Math.max(peak, v)), () => undefined);
    }, 25);
    const upload = streamedUpload(150 * MB);
    const res = await fetch(`${base}/api/v1/workspaces/${ws.body.id}/media`, {
      method: 'POST',
      headers: { 'content-type': upload.contentType, authorization: `Bearer ${token}` },
      body: upload.body,
      duplex: 'half',
    });
    const media = (await res.json()) as any;
    clearInterval(sampler);
    expect(res.status, JSON.stringify(media)).toBe(201);
    expect(media).toMatchObject({ kind: 'video', sizeBytes: upload.fileBytes, width: 1280, height: 720, durationSeconds: 12.5 });
    expect((await stat(join(dataDir, 'media', org.body.id, media.id, 'original.mp4'))).size).toBe(upload.fileBytes);
    const growth = peak - before;
    expect(growth, `peak RSS grew by ${Math.round(growth / MB)} MB`).toBeLessThan(64 * MB);
  }, 120_000);
});
