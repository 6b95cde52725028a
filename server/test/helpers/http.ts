import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: LightMyRequestResponse['headers'];
  cookies: LightMyRequestResponse['cookies'];
}

/** Thin wrapper over app.inject for JSON APIs. */
export async function call<T = any>(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  opts: { token?: string | undefined; body?: unknown; cookies?: Record<string, string>; headers?: Record<string, string>; raw?: string | Buffer; stream?: boolean } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.raw !== undefined) headers['content-type'] ??= 'application/json';
  const res = await app.inject({
    method,
    url,
    headers,
    ...(opts.cookies ? { cookies: opts.cookies } : {}),
    ...(opts.raw !== undefined ? { payload: opts.raw } : opts.body !== undefined ? { payload: opts.body as object } : {}),
    // An endless answer (server-sent events): resolve on its head, then hang up. Errors still end.
    ...(opts.stream ? { payloadAsStream: true } : {}),
  });
  if (opts.stream && res.statusCode < 300) {
    res.stream().destroy();
    return { status: res.statusCode, body: null as T, headers: res.headers, cookies: res.cookies };
  }
  const text = opts.stream ? await streamText(res.stream()) : res.body;
  let body: unknown = text;
  if ((res.headers['content-type'] ?? '').toString().includes('application/json') && text) body = JSON.parse(text);
  return { status: res.statusCode, body: body as T, headers: res.headers, cookies: res.cookies };
}

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

let counter = 0;
/** Registers a fresh user through the API and returns its access token. */
export async function signUp(app: FastifyInstance, overrides: { email?: string; name?: string; password?: string } = {}) {
  counter += 1;
  const email = overrides.email ?? `user${counter}-${Date.now()}@example.com`;
  const password = overrides.password ?? 'correct horse battery staple';
  const res = await call(app, 'POST', '/api/v1/auth/register', { body: { email, password, name: overrides.name ?? `User ${counter}` } });
  if (res.status !== 201) throw new Error(`signUp failed: ${res.status} ${JSON.stringify(res.body)}`);
  const refresh = res.cookies.find((c) => c.name === 'herald_refresh')?.value;
  return { user: res.body.user as { id: string; email: string; name: string }, accessToken: res.body.accessToken as string, refreshToken: refresh, email, password };
}
