import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { workerHeartbeats } from '../../db/schema.js';

/** This process, as its publish attempts and heartbeat name it. */
export const WORKER_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/** How often a worker says it is alive, and after how long without a beat it is taken for dead. */
export const HEARTBEAT_MS = 5_000;
export const STALE_AFTER_MS = 30_000;

export async function beat(db: Db, workerId = WORKER_ID): Promise<void> {
  await db
    .insert(workerHeartbeats)
    .values({ workerId })
    .onConflictDoUpdate({ target: workerHeartbeats.workerId, set: { beatAt: sql`now()` } });
}

export async function leave(db: Db, workerId = WORKER_ID): Promise<void> {
  await db.delete(workerHeartbeats).where(eq(workerHeartbeats.workerId, workerId));
}

/**
 * Removes the rows of workers that stopped beating and returns their ids: exactly one caller gets each
 * dead worker (DELETE … RETURNING), and recovers its open attempts.
 */
export async function reapStale(db: Db, now = new Date()): Promise<string[]> {
  const rows = await db
    .delete(workerHeartbeats)
    .where(lt(workerHeartbeats.beatAt, new Date(now.getTime() - STALE_AFTER_MS)))
    .returning({ workerId: workerHeartbeats.workerId });
  return rows.map((r) => r.workerId);
}

/**
 * Embedded mode: one process owns the data directory, so at start every other worker row is a
 * previous run that died (or stopped). Removes them and returns their ids.
 */
export async function reapAllOthers(db: Db, workerId = WORKER_ID): Promise<string[]> {
  const rows = await db.delete(workerHeartbeats).where(sql`${workerHeartbeats.workerId} <> ${workerId}`).returning({ workerId: workerHeartbeats.workerId });
  return rows.map((r) => r.workerId);
}

/** Whether `workerId` has beaten recently (this process always counts as alive). */
export async function isAlive(db: Db, workerId: string, now = new Date()): Promise<boolean> {
  if (workerId === WORKER_ID) return true;
  const [row] = await db.select({ beatAt: workerHeartbeats.beatAt }).from(workerHeartbeats).where(eq(workerHeartbeats.workerId, workerId));
  return !!row && row.beatAt.getTime() > now.getTime() - STALE_AFTER_MS;
}
