import type { SQL } from 'drizzle-orm';
import { expect } from 'vitest';
import { rowsOf } from '../../src/db/client.js';
import type { Role } from '../../src/http/permissions.js';
import type { TestApp } from './app.js';
import { call, signUp } from './http.js';

export interface Person {
  id: string;
  email: string;
  name: string;
  token: string;
}

/**
 * People, organizations and invitations through the HTTP API, for the tests of organizations and
 * invitations. `current` returns the test file's app (created in its beforeAll).
 */
export function orgKit(current: () => TestApp) {
  let seq = 0;
  async function person(app = current().app, email?: string): Promise<Person> {
    seq += 1;
    const s = await signUp(app, { name: `Person ${seq}`, ...(email ? { email } : {}) });
    return { id: s.user.id, email: s.email, name: s.user.name, token: s.accessToken };
  }

  async function createOrg(owner: Person, name = 'Acme', app = current().app): Promise<string> {
    const res = await call(app, 'POST', '/api/v1/orgs', { token: owner.token, body: { name } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  const tokenOf = (acceptUrl: string) => acceptUrl.slice(acceptUrl.lastIndexOf('/invite/') + '/invite/'.length);

  async function invite(by: Person, orgId: string, email: string, role: Role, app = current().app) {
    return call(app, 'POST', `/api/v1/orgs/${orgId}/invitations`, { token: by.token, body: { email, role } });
  }

  /** A new person who joined `orgId` with `role` through an invitation. */
  async function member(owner: Person, orgId: string, role: Role): Promise<Person> {
    const p = await person();
    const inv = await invite(owner, orgId, p.email, role);
    expect(inv.status).toBe(201);
    const accepted = await call(current().app, 'POST', `/api/v1/invitations/${tokenOf(inv.body.acceptUrl)}/accept`, { token: p.token });
    expect(accepted.status).toBe(200);
    return p;
  }

  async function auditActions(owner: Person, orgId: string): Promise<string[]> {
    const res = await call(current().app, 'GET', `/api/v1/orgs/${orgId}/audit?limit=200`, { token: owner.token });
    expect(res.status).toBe(200);
    return (res.body.items as { action: string }[]).map((e) => e.action);
  }

  async function query<T>(text: SQL, db = current().runtime.db): Promise<T[]> {
    return rowsOf<T>(await db.execute(text));
  }

  return { person, createOrg, tokenOf, invite, member, auditActions, query };
}
