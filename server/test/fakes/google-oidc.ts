import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

/**
 * A contract fake of Google's OpenID Connect endpoints (authorization code flow with PKCE), served by
 * a real HTTP server on 127.0.0.1. It answers the way Google documents:
 *   GET  /o/oauth2/v2/auth   consent; redirects to redirect_uri with code+state (or error=access_denied)
 *   POST /token              code exchange; `{"error":"invalid_grant"}` 400 for a bad code or verifier
 *   GET  /oauth2/v3/certs    JWKS with the RS256 public key that signs the ID tokens
 * Tests choose who "consents" (`signInAs`), can make the next consent a denial (`denyNext`), and can
 * tamper with the next ID token (`tamperNextIdToken`) to check that Herald rejects it.
 */
export interface GoogleAccount {
  sub: string;
  email: string;
  emailVerified?: boolean;
  name?: string;
}

export interface IdTokenTampering {
  nonce?: string;
  aud?: string;
  iss?: string;
  /** Seconds from now; negative for an already expired token. */
  expiresIn?: number;
  /** Sign with a key that is not in the JWKS. */
  foreignKey?: boolean;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string | undefined;
  scope: string;
  account: GoogleAccount;
  expiresAt: number;
}

const ISSUER = 'https://accounts.google.com';

export class FakeGoogle {
  /** Every token request the fake received, for assertions about what Herald sent. */
  readonly tokenRequests: Record<string, string>[] = [];
  private readonly codes = new Map<string, PendingCode>();
  private account: GoogleAccount = { sub: '100000000000000000001', email: 'someone@gmail.com', emailVerified: true, name: 'Some One' };
  private deny = false;
  private tampering: IdTokenTampering | undefined;

  private readonly server: Server;
  private port = 0;

  private constructor(
    private readonly client: { clientId: string; clientSecret: string; redirectUris: string[] },
    private readonly keys: { kid: string; privateKey: CryptoKey; publicJwk: JWK; foreignKey: CryptoKey },
  ) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
      });
    });
  }

  static async start(client: { clientId: string; clientSecret: string; redirectUris: string[] }): Promise<FakeGoogle> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const foreign = await generateKeyPair('RS256');
    const kid = randomBytes(8).toString('hex');
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    const fake = new FakeGoogle(client, { kid, privateKey, publicJwk, foreignKey: foreign.privateKey });
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get authUrl(): string {
    return `${this.baseUrl}/o/oauth2/v2/auth`;
  }
  get tokenUrl(): string {
    return `${this.baseUrl}/token`;
  }
  get jwksUrl(): string {
    return `${this.baseUrl}/oauth2/v3/certs`;
  }

  /** The Google account that consents from now on. */
  signInAs(account: GoogleAccount): void {
    this.account = account;
  }

  /** The next consent screen is refused by the user. */
  denyNext(): void {
    this.deny = true;
  }

  /** The next ID token issued is altered as given (then tokens are normal again). */
  tamperNextIdToken(tampering: IdTokenTampering): void {
    this.tampering = tampering;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (req.method === 'GET' && url.pathname === '/o/oauth2/v2/auth') return this.authorize(url, res);
    if (req.method === 'POST' && url.pathname === '/token') return this.token(req, res);
    if (req.method === 'GET' && url.pathname === '/oauth2/v3/certs') return json(res, 200, { keys: [this.keys.publicJwk] });
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
  }

  /** Client and redirect URI errors are shown to the user (400 page); other errors go back to the client. */
  private authorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    if (q.get('client_id') !== this.client.clientId) return page(res, 401, 'Error 401: invalid_client');
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!this.client.redirectUris.includes(redirectUri)) return page(res, 400, 'Error 400: redirect_uri_mismatch');
    const back = new URL(redirectUri);
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    const fail = (error: string) => {
      back.searchParams.set('error', error);
      res.writeHead(302, { location: back.toString() }).end();
    };
    const scopes = (q.get('scope') ?? '').split(' ');
    const challenge = q.get('code_challenge') ?? '';
    if (q.get('response_type') !== 'code') return fail('unsupported_response_type');
    if (!scopes.includes('openid')) return fail('invalid_scope');
    if (q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) return fail('invalid_request');
    if (this.deny) {
      this.deny = false;
      return fail('access_denied');
    }
    const code = `4/0A${randomBytes(24).toString('base64url')}`;
    this.codes.set(code, {
      clientId: this.client.clientId,
      redirectUri,
      challenge,
      nonce: q.get('nonce') ?? undefined,
      scope: scopes.join(' '),
      account: this.account,
      expiresAt: Date.now() + 60_000,
    });
    back.searchParams.set('code', code);
    // Google appends these too; a client must ignore them.
    back.searchParams.set('scope', 'email profile openid https://www.googleapis.com/auth/userinfo.email');
    back.searchParams.set('authuser', '0');
    back.searchParams.set('prompt', 'consent');
    res.writeHead(302, { location: back.toString() }).end();
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return json(res, 400, { error: 'invalid_request', error_description: 'Unsupported content type' });
    }
    const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
    this.tokenRequests.push(form);
    if (form.grant_type !== 'authorization_code') return json(res, 400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type' });
    if (form.client_id !== this.client.clientId || form.client_secret !== this.client.clientSecret) {
      return json(res, 401, { error: 'invalid_client', error_description: 'Unauthorized' });
    }
    const pending = form.code ? this.codes.get(form.code) : undefined;
    // An authorization code is single-use, whatever happens next.
    if (form.code) this.codes.delete(form.code);
    const verifier = form.code_verifier ?? '';
    if (
      !pending ||
      pending.expiresAt < Date.now() ||
      pending.clientId !== form.client_id ||
      pending.redirectUri !== form.redirect_uri ||
      createHash('sha256').update(verifier).digest('base64url') !== pending.challenge
    ) {
      return json(res, 400, { error: 'invalid_grant', error_description: 'Bad Request' });
    }
    const tampering = this.tampering ?? {};
    this.tampering = undefined;
    const { account } = pending;
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      azp: this.client.clientId,
      email: account.email,
      email_verified: account.emailVerified ?? true,
      at_hash: randomBytes(16).toString('base64url'),
      ...(tampering.nonce !== undefined ? { nonce: tampering.nonce } : pending.nonce !== undefined ? { nonce: pending.nonce } : {}),
      ...(account.name !== undefined ? { name: account.name, given_name: account.name.split(' ')[0] } : {}),
    };
    const idToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.keys.kid, typ: 'JWT' })
      .setIssuer(tampering.iss ?? ISSUER)
      .setAudience(tampering.aud ?? this.client.clientId)
      .setSubject(account.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + (tampering.expiresIn ?? 3600))
      .sign(tampering.foreignKey ? this.keys.foreignKey : this.keys.privateKey);
    json(res, 200, {
      access_token: `ya29.${randomBytes(32).toString('base64url')}`,
      expires_in: 3599,
      scope: pending.scope,
      token_type: 'Bearer',
      id_token: idToken,
    });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

function page(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>Error</title><p>${text}</p>`);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
