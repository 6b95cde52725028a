// Runs the X contract fake (./x.ts) as a process of its own, for browser tests that drive Herald's
// real OAuth flow against it:
//
//   npx tsx test/fakes/serve-x.ts --redirect-uri http://127.0.0.1:4321/api/v1/oauth/x/callback
//
// Prints one JSON line on stdout once listening: {"url", "authorizeUrl", "controlUrl", "clientId",
// "clientSecret"}; Herald takes `url` as HERALD_X_API_URL and `authorizeUrl` as HERALD_X_AUTH_URL.
// The fake's consent step answers at once with a redirect (there is no page to click through).
// A small control server lets the test steer it:
//   POST {controlUrl}/__control/deny-next   the next consent is refused (error=access_denied)
//   GET  {controlUrl}/__control/tweets      the posts X holds: [{id, authorId, text (as sent)}]
// Stops on SIGINT/SIGTERM, or when stdin closes (the test that started it went away).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { FakeX } from './x.js';

const { values } = parseArgs({
  options: {
    'redirect-uri': { type: 'string', multiple: true },
    'client-id': { type: 'string', default: 'herald-e2e-x' },
    'client-secret': { type: 'string', default: 'herald-e2e-x-secret' },
  },
});

const redirectUris = values['redirect-uri'] ?? [];
if (redirectUris.length === 0) {
  process.stderr.write('serve-x: pass --redirect-uri <Herald public URL>/api/v1/oauth/x/callback\n');
  process.exit(2);
}

const fake = await FakeX.start({ clientId: values['client-id'], clientSecret: values['client-secret'], redirectUris });

/** Test-only steering, on its own port so it can never be mistaken for an X route. */
const control = createServer((req: IncomingMessage, res: ServerResponse) => {
  const reply = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (req.method === 'POST' && req.url === '/__control/deny-next') {
    fake.denyNext();
    reply(200, { ok: true });
    return;
  }
  if (req.method === 'GET' && req.url === '/__control/tweets') {
    reply(200, [...fake.tweets.values()].map((t) => ({ id: t.id, authorId: t.authorId, text: t.sentText })));
    return;
  }
  reply(404, { error: `no control route ${req.method ?? ''} ${req.url ?? ''}` });
});
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  control.closeAllConnections();
  await Promise.all([fake.close(), new Promise<void>((resolve) => control.close(() => resolve()))]);
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();

process.stdout.write(`${JSON.stringify({ url: fake.url, authorizeUrl: fake.authorizeUrl, controlUrl, clientId: values['client-id'], clientSecret: values['client-secret'] })}\n`);
