import pg from 'pg';
import type { Database } from '../../db/client.js';
import type { Logger } from '../../lib/logger.js';
import { POST_EVENTS_CHANNEL } from './notify.js';

/** What a dashboard hears: a post of its workspace changed status. */
export interface PostEvent {
  postId: string;
  status: string;
}

export type HubMessage = { kind: 'post'; event: PostEvent } | { kind: 'resync' };
type Listener = (message: HubMessage) => void;

/** How long the PostgreSQL listener waits before reconnecting after its connection dropped. */
const RECONNECT_MS = [500, 1000, 2000, 5000, 10_000] as const;

/**
 * One LISTEN per process on `herald_post_events`, fanned out to the event streams of each workspace.
 * Embedded mode listens on the PGlite instance itself; PostgreSQL mode holds one dedicated client
 * outside the pool. It starts with the first subscriber. When the PostgreSQL connection drops, it
 * reconnects and tells every subscriber to `resync` (changes may have been missed meanwhile).
 */
export class PostEventsHub {
  private readonly byWorkspace = new Map<string, Set<Listener>>();
  private started: Promise<void> | null = null;
  private stopListening: (() => Promise<void>) | null = null;
  private closed = false;
  private failures = 0;

  constructor(
    private readonly database: Database,
    private readonly postgresUrl: string | null,
    private readonly logger: Logger,
  ) {}

  /** Subscribes to a workspace's post changes; resolves once the listener is live. Returns the unsubscribe. */
  async subscribe(workspaceId: string, listener: Listener): Promise<() => void> {
    let set = this.byWorkspace.get(workspaceId);
    if (!set) {
      set = new Set();
      this.byWorkspace.set(workspaceId, set);
    }
    set.add(listener);
    const unsubscribe = () => {
      const current = this.byWorkspace.get(workspaceId);
      current?.delete(listener);
      if (current?.size === 0) this.byWorkspace.delete(workspaceId);
    };
    try {
      this.started ??= this.listen();
      await this.started;
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  /** Subscribers right now (for tests and metrics). */
  get subscriberCount(): number {
    let n = 0;
    for (const set of this.byWorkspace.values()) n += set.size;
    return n;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.byWorkspace.clear();
    await this.stopListening?.().catch(() => undefined);
    this.stopListening = null;
  }

  private deliver(payload: string): void {
    let parsed: { workspaceId?: unknown; postId?: unknown; status?: unknown };
    try {
      parsed = JSON.parse(payload) as typeof parsed;
    } catch {
      return;
    }
    if (typeof parsed.workspaceId !== 'string' || typeof parsed.postId !== 'string' || typeof parsed.status !== 'string') return;
    const message: HubMessage = { kind: 'post', event: { postId: parsed.postId, status: parsed.status } };
    for (const listener of this.byWorkspace.get(parsed.workspaceId) ?? []) listener(message);
  }

  private broadcast(message: HubMessage): void {
    for (const set of this.byWorkspace.values()) for (const listener of set) listener(message);
  }

  private async listen(): Promise<void> {
    const { pglite } = this.database;
    if (pglite) {
      const unlisten = await pglite.listen(POST_EVENTS_CHANNEL, (payload) => this.deliver(payload));
      this.stopListening = unlisten;
      return;
    }
    if (!this.postgresUrl) throw new Error('PostEventsHub needs the PostgreSQL URL outside embedded mode');
    await this.connectPostgres(this.postgresUrl);
  }

  private async connectPostgres(url: string): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (this.closed) return;
      this.logger.warn({ err: error?.message }, 'post events listener lost its database connection; reconnecting');
      this.reconnectLater(url);
    };
    client.on('notification', (message) => {
      if (message.channel === POST_EVENTS_CHANNEL && message.payload) this.deliver(message.payload);
    });
    client.on('error', onLost);
    client.on('end', () => onLost());
    await client.connect();
    await client.query(`listen ${POST_EVENTS_CHANNEL}`);
    this.failures = 0;
    this.stopListening = async () => {
      lost = true;
      await client.end();
    };
  }

  private reconnectLater(url: string): void {
    const delay = RECONNECT_MS[Math.min(this.failures, RECONNECT_MS.length - 1)]!;
    this.failures += 1;
    setTimeout(() => {
      if (this.closed) return;
      this.connectPostgres(url).then(
        () => this.broadcast({ kind: 'resync' }),
        (error: unknown) => {
          this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'post events listener could not reconnect');
          this.reconnectLater(url);
        },
      );
    }, delay).unref();
  }
}
