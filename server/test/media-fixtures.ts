import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { expect } from 'vitest';
import type { Role } from '../src/http/permissions.js';
import { call, signUp } from './helpers/http.js';

/**
 * Test material for the media tests: real images made with sharp, MP4/MOV files assembled box by box,
 * multipart bodies, and the org/workspace/member setup through the API.
 */

// ── Images ──────────────────────────────────────────────────────────────────────────────────────────

/** A smooth gradient (compresses well), as raw RGB(A). */
function gradient(width: number, height: number, channels: 3 | 4 = 3): Buffer {
  const raw = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      raw[i] = Math.floor((x / width) * 255);
      raw[i + 1] = Math.floor((y / height) * 255);
      raw[i + 2] = 128;
      if (channels === 4) raw[i + 3] = x < width / 2 ? 0 : 255;
    }
  }
  return raw;
}

export function image(width: number, height: number, opts: { alpha?: boolean } = {}) {
  const channels = opts.alpha ? 4 : 3;
  return sharp(gradient(width, height, channels), { raw: { width, height, channels } });
}

/** Random pixels: large after any compression, for size-limit tests. */
export function noise(width: number, height: number) {
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } });
}

export const jpeg = (w = 640, h = 480) => image(w, h).jpeg({ quality: 85 }).toBuffer();
export const png = (w = 640, h = 480, alpha = false) => image(w, h, { alpha }).png().toBuffer();
export const webp = (w = 640, h = 480) => image(w, h).webp({ quality: 80 }).toBuffer();

/** A two-frame animated GIF. */
export async function animatedGif(w = 60, h = 40): Promise<Buffer> {
  const frame = (color: string) => sharp({ create: { width: w, height: h, channels: 3, background: color } }).png().toBuffer();
  return sharp([await frame('#ff0000'), await frame('#0000ff')], { join: { animated: true } })
    .gif({ delay: [100, 100] })
    .toBuffer();
}

// ── Videos: ISO-BMFF boxes written by hand ──────────────────────────────────────────────────────────

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}

function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeInt32BE(v | 0, i * 4));
  return b;
}

const IDENTITY = [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000];
const ROTATE_90 = [0, 0x00010000, 0, -0x00010000, 0, 0, 0, 0, 0x40000000];

function mvhd(timescale: number, duration: number): Buffer {
  return box('mvhd', u32(0, 0, 0, timescale, duration, 0x00010000), Buffer.from([0x01, 0x00]), Buffer.alloc(10), u32(...IDENTITY), Buffer.alloc(24), u32(3));
}

function tkhd(trackId: number, width: number, height: number, matrix = IDENTITY): Buffer {
  return box('tkhd', u32(0x00000003, 0, 0, trackId, 0, 0), Buffer.alloc(8), Buffer.alloc(8), u32(...matrix), u32(width * 65536, height * 65536));
}

function trak(handler: 'vide' | 'soun', tkhdBox: Buffer): Buffer {
  const hdlr = box('hdlr', u32(0, 0), Buffer.from(handler, 'latin1'), Buffer.alloc(12), Buffer.from([0]));
  return box('trak', tkhdBox, box('mdia', hdlr));
}

export interface VideoSpec {
  brand?: 'isom' | 'qt  ';
  width?: number;
  height?: number;
  durationSeconds?: number;
  rotated?: boolean;
  /** Where the moov box goes: before the media data ("fast start") or after it. */
  moovFirst?: boolean;
  /** Bytes of (meaningless) media data. */
  mdatBytes?: number;
}

/** A structurally valid MP4 (brand isom) or MOV (brand "qt  ") with an audio and a video track. */
export function video(spec: VideoSpec = {}): Buffer {
  const brand = spec.brand ?? 'isom';
  const ftyp = box('ftyp', Buffer.from(brand, 'latin1'), u32(0x200), Buffer.from(brand === 'qt  ' ? 'qt  ' : 'isomiso2mp41', 'latin1'));
  const timescale = 600;
  const moov = box(
    'moov',
    mvhd(timescale, Math.round((spec.durationSeconds ?? 12.5) * timescale)),
    trak('soun', tkhd(1, 0, 0)),
    trak('vide', tkhd(2, spec.width ?? 1280, spec.height ?? 720, spec.rotated ? ROTATE_90 : IDENTITY)),
  );
  const mdat = box('mdat', randomBytes(spec.mdatBytes ?? 2048));
  return spec.moovFirst ? Buffer.concat([ftyp, moov, mdat]) : Buffer.concat([ftyp, mdat, moov]);
}

// ── Multipart ───────────────────────────────────────────────────────────────────────────────────────

export interface Part {
  name: string;
  data: Buffer | string;
  filename?: string;
  contentType?: string;
}

export function multipart(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----herald${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}`;
    const type = p.contentType ?? (p.filename === undefined ? undefined : 'application/octet-stream');
    chunks.push(Buffer.from(`--${boundary}\r\ncontent-disposition: ${disposition}\r\n${type ? `content-type: ${type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export interface Upload {
  data: Buffer;
  filename?: string;
  contentType?: string;
  altText?: string;
  tags?: string;
}

/** POST /workspaces/{id}/media with one file (and optional fields); the JSON answer. */
export async function upload(app: FastifyInstance, token: string, workspaceId: string, file: Upload) {
  const parts: Part[] = [];
  if (file.altText !== undefined) parts.push({ name: 'altText', data: file.altText });
  parts.push({ name: 'file', data: file.data, filename: file.filename ?? 'upload.bin', contentType: file.contentType ?? 'application/octet-stream' });
  if (file.tags !== undefined) parts.push({ name: 'tags', data: file.tags });
  return postMultipart(app, token, workspaceId, parts);
}

export async function postMultipart(app: FastifyInstance, token: string | undefined, workspaceId: string, parts: Part[]) {
  const { payload, headers } = multipart(parts);
  return rawPost(app, token, workspaceId, payload, headers);
}

export async function rawPost(app: FastifyInstance, token: string | undefined, workspaceId: string, payload: Buffer | string, headers: Record<string, string>) {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/workspaces/${workspaceId}/media`,
    headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    payload,
  });
  const body = (res.headers['content-type'] ?? '').toString().includes('application/json') ? res.json() : res.body;
  return { status: res.statusCode, body, headers: res.headers };
}

/** Fetches a signed media URL from the app (the path after the public origin). */
export async function fetchMedia(app: FastifyInstance, url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') {
  const path = new URL(url).pathname;
  const res = await app.inject({ method, url: path, headers });
  return { status: res.statusCode, headers: res.headers, raw: res.rawPayload, json: () => res.json() };
}

// ── People and places ───────────────────────────────────────────────────────────────────────────────

export interface Person {
  id: string;
  email: string;
  token: string;
}

export async function person(app: FastifyInstance): Promise<Person> {
  const s = await signUp(app);
  return { id: s.user.id, email: s.email, token: s.accessToken };
}

export async function orgWithWorkspace(app: FastifyInstance, owner: Person, name = 'Acme'): Promise<{ orgId: string; workspaceId: string }> {
  const org = await call(app, 'POST', '/api/v1/orgs', { token: owner.token, body: { name } });
  expect(org.status).toBe(201);
  const ws = await call(app, 'POST', `/api/v1/orgs/${org.body.id}/workspaces`, { token: owner.token, body: { name: `${name} brand` } });
  expect(ws.status).toBe(201);
  return { orgId: org.body.id, workspaceId: ws.body.id };
}

/** A new person who joined `orgId` with `role` through an invitation. */
export async function member(app: FastifyInstance, owner: Person, orgId: string, role: Role): Promise<Person> {
  const p = await person(app);
  const inv = await call(app, 'POST', `/api/v1/orgs/${orgId}/invitations`, { token: owner.token, body: { email: p.email, role } });
  expect(inv.status).toBe(201);
  const token = (inv.body.acceptUrl as string).slice((inv.body.acceptUrl as string).lastIndexOf('/') + 1);
  const accepted = await call(app, 'POST', `/api/v1/invitations/${token}/accept`, { token: p.token });
  expect(accepted.status).toBe(200);
  return p;
}
