import { z } from 'zod';

/**
 * Every background job: its name, payload schema and retry policy. A job's payload shape never
 * changes once shipped; a new shape is a new job name. Startup fails if a job has no handler.
 */
export const JOBS = {
  /** A mail without secrets (notifications). Links that grant anything go through the jobs below. */
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
    batchSize: 1,
  },
  /**
   * Mails carrying a secret link: the payload is the row id only. The handler opens the row's sealed
   * token, builds the link at send time and then forgets the sealed copy, so neither the job (data or
   * output) nor the database keeps a usable link once the mail is out. A row already used, revoked or
   * expired sends nothing.
   */
  'send-password-reset-email': {
    payload: z.object({ resetId: z.uuid() }),
    retry: { retryLimit: 8, retryDelay: 30, retryBackoff: true, retryDelayMax: 3600 },
    policy: 'standard',
    concurrency: 2,
    batchSize: 1,
  },
  'send-invitation-email': {
    payload: z.object({ invitationId: z.uuid() }),
    retry: { retryLimit: 8, retryDelay: 30, retryBackoff: true, retryDelayMax: 3600 },
    policy: 'standard',
    concurrency: 2,
    batchSize: 1,
  },
  'send-verification-email': {
    payload: z.object({ verificationId: z.uuid() }),
    retry: { retryLimit: 8, retryDelay: 30, retryBackoff: true, retryDelayMax: 3600 },
    policy: 'standard',
    concurrency: 2,
    batchSize: 1,
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
    /**
     * Per worker process: calls in flight at once, enough to fill the platforms' own caps
     * (SocialProvider.concurrency; the sandbox's HERALD_SANDBOX_CONCURRENCY) while other batches are
     * being claimed and settled.
     */
    concurrency: 200,
    /**
     * Fetched 50 at a time by 4 pollers, and fetched again at once while batches come back full. The
     * handler takes the whole batch (`batch`): one transaction claims it, its published outcomes are
     * settled together (see BENCHMARKS.md).
     */
    batchSize: 50,
    batch: true,
  },
  /** Decide what became of a target whose publish call ended with an unknown outcome. */
  'reconcile-target': {
    payload: z.object({ targetId: z.uuid() }),
    retry: { retryLimit: 5, retryDelay: 10, retryBackoff: true, retryDelayMax: 600 },
    policy: 'short',
    concurrency: 2,
    batchSize: 1,
  },
  /**
   * Recurring (every HERALD_PUBLISH_SWEEP_SECONDS): reconcile orphaned publishes and re-send lost publish
   * jobs. Each run queues the next; every worker's heartbeat re-queues it should the chain break.
   */
  'publishing-sweep': {
    payload: z.object({}),
    retry: { retryLimit: 1, retryDelay: 5, retryBackoff: false },
    policy: 'short',
    concurrency: 1,
    batchSize: 1,
  },
  /** Files of deleted media (a workspace or organization went): removed from storage after the rows. */
  'delete-media-files': {
    payload: z.object({ keys: z.array(z.string().min(1)).min(1).max(500) }),
    retry: { retryLimit: 10, retryDelay: 30, retryBackoff: true, retryDelayMax: 3600 },
    policy: 'standard',
    concurrency: 1,
    batchSize: 1,
  },
  /** Recurring (every 15 minutes): refresh every channel token that expires within 7 days. */
  'refresh-channel-tokens': {
    payload: z.object({}),
    retry: { retryLimit: 2, retryDelay: 60, retryBackoff: true, retryDelayMax: 600 },
    policy: 'short',
    concurrency: 1,
    batchSize: 1,
  },
  /** Recurring (hourly): store the platforms' figures for posts published in the last 30 days. */
  'sync-metrics': {
    payload: z.object({}),
    retry: { retryLimit: 2, retryDelay: 120, retryBackoff: true, retryDelayMax: 1800 },
    policy: 'short',
    concurrency: 1,
    batchSize: 1,
  },
} as const satisfies Record<
  string,
  {
    payload: z.ZodType;
    retry: { retryLimit: number; retryDelay: number; retryBackoff: boolean; retryDelayMax?: number };
    policy: 'standard' | 'short';
    /** Jobs of this name running at once in one worker process. */
    concurrency: number;
    /** Jobs fetched per poll (concurrency / batchSize pollers); the jobs of a batch run side by side. */
    batchSize: number;
    /** The handler takes the whole batch at once (a `BatchJobHandler`) instead of one job at a time. */
    batch?: true;
  }
>;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['payload']>;
export const JOB_NAMES = Object.keys(JOBS) as JobName[];
/** Jobs whose handler takes a whole fetched batch. */
export type BatchJobName = { [N in JobName]: (typeof JOBS)[N] extends { batch: true } ? N : never }[JobName];
