import { z } from 'zod';

/**
 * Every background job: its name, payload schema and retry policy. A job's payload shape never
 * changes once shipped; a new shape is a new job name. Startup fails if a job has no handler.
 */
export const JOBS = {
  'send-email': {
    payload: z.object({
      to: z.email(),
      subject: z.string().min(1),
      text: z.string(),
      html: z.string().optional(),
    }),
    retry: { retryLimit: 8, retryDelay: 30, retryBackoff: true, retryDelayMax: 3600 },
    policy: 'standard',
    concurrency: 2,
  },
  /**
   * Publish one post target. Carries the target's version and attempt number: a job whose version or
   * attempt no longer matches the row does nothing (the post was rescheduled, cancelled or retried).
   * Platform errors are handled inside (they schedule a new job); pg-boss retries only crashes.
   * `short` policy: one queued job per singleton key, so the lost-job sweep can re-send safely.
   */
  'publish-target': {
    payload: z.object({ targetId: z.uuid(), version: z.number().int().min(0), attempt: z.number().int().min(0) }),
    retry: { retryLimit: 3, retryDelay: 5, retryBackoff: true, retryDelayMax: 300 },
    policy: 'short',
    /** Per worker process; each platform also caps its own share (SocialProvider.concurrency). */
    concurrency: 32,
  },
  /** Decide what became of a target whose publish call ended with an unknown outcome. */
  'reconcile-target': {
    payload: z.object({ targetId: z.uuid() }),
    retry: { retryLimit: 5, retryDelay: 10, retryBackoff: true, retryDelayMax: 600 },
    policy: 'short',
    concurrency: 2,
  },
} as const satisfies Record<
  string,
  { payload: z.ZodType; retry: { retryLimit: number; retryDelay: number; retryBackoff: boolean; retryDelayMax?: number }; policy: 'standard' | 'short'; concurrency: number }
>;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['payload']>;
export const JOB_NAMES = Object.keys(JOBS) as JobName[];
