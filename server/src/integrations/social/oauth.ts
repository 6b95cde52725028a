import { createHash, randomBytes } from 'node:crypto';
import type { Account, Credentials, OAuthCapability, PkcePair } from './provider.js';

/**
 * What every platform's consent step shares: an authorization-code request to the platform's consent
 * page with the app's id, the redirect URI, Herald's `state`, the scopes and (where the platform takes
 * it) a PKCE challenge. Each provider describes its consent page once (`AuthorizeSpec`); the URL is
 * built here, the same way for all of them.
 */
export interface AuthorizeSpec {
  /** The platform's consent page; may already carry a query. */
  url: string;
  /** TikTok names the app `client_key`; everyone else `client_id`. */
  clientIdParam: 'client_id' | 'client_key';
  clientId: string;
  scopes: readonly string[];
  /** Comma (Meta, TikTok) or space (X, LinkedIn), as each documents. */
  scopeSeparator: ',' | ' ';
  /**
   * PKCE S256 with the challenge encoded as the platform documents: RFC 7636's base64url (X) or the hex
   * digest TikTok's Login Kit asks for. Absent: the code exchange is authenticated by the app secret.
   */
  pkce?: PkceEncoding | undefined;
}

export type PkceEncoding = 'base64url' | 'hex';

/** A fresh PKCE verifier: 64 characters of [A-Za-z0-9_-] (RFC 7636 asks for 43–128 unreserved characters). */
export function newPkce(): PkcePair {
  return { verifier: randomBytes(48).toString('base64url') };
}

/** The S256 challenge of `verifier`: SHA-256, encoded as the platform documents. */
export function pkceChallenge(verifier: string, encoding: PkceEncoding): string {
  return createHash('sha256').update(verifier).digest(encoding);
}

/**
 * The consent URL. Values are percent-encoded with encodeURIComponent (a space is %20, never '+': X
 * documents its space-separated scope list that way, and every platform decodes %20).
 */
export function authorizeUrl(spec: AuthorizeSpec, state: string, pkce: PkcePair, redirectUri: string): string {
  const params: [string, string][] = [
    ['response_type', 'code'],
    [spec.clientIdParam, spec.clientId],
    ['redirect_uri', redirectUri],
    ['scope', spec.scopes.join(spec.scopeSeparator)],
    ['state', state],
  ];
  if (spec.pkce) params.push(['code_challenge', pkceChallenge(pkce.verifier, spec.pkce)], ['code_challenge_method', 'S256']);
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return `${spec.url}${spec.url.includes('?') ? '&' : '?'}${query}`;
}

/**
 * The OAuth capability every real platform shares: it describes its consent page (`authorization`),
 * and this builds the URL from it. Platforms differ only in how they exchange and refresh tokens and
 * which accounts a login may publish to.
 */
export abstract class PlatformOAuth implements OAuthCapability {
  /** The consent page. Throws a RejectedError('not_configured') when the operator set no app. */
  abstract authorization(): AuthorizeSpec;
  abstract exchangeCode(code: string, pkce: PkcePair, redirectUri: string): Promise<Credentials>;
  abstract listTargets(credentials: Credentials): Promise<Account[]>;
  refresh?(credentials: Credentials): Promise<Credentials>;

  authorizeUrl(state: string, pkce: PkcePair, redirectUri: string): string {
    return authorizeUrl(this.authorization(), state, pkce, redirectUri);
  }
}
