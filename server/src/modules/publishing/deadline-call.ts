import { UnknownOutcomeError } from '../../integrations/social/errors.js';

/**
 * One platform call's deadline: an AbortSignal that fires at `deadlineAt` (or when the job is aborted,
 * e.g. the worker stops), passed into every request of the call. `run` answers at the deadline even if
 * a provider ignored the signal; `ended` resolves when every request has really finished.
 */
export class DeadlineCall {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly started: Promise<unknown>[] = [];
  private readonly onJobAbort = () => this.controller.abort(new UnknownOutcomeError('The worker stopped while the platform was being called'));

  constructor(
    deadlineAt: number,
    private readonly jobSignal: AbortSignal | undefined,
  ) {
    const ms = Math.max(0, deadlineAt - Date.now());
    this.timer = setTimeout(() => this.controller.abort(new UnknownOutcomeError(`The platform did not answer within ${Math.round(ms / 1000)} s`)), ms);
    if (jobSignal?.aborted) this.onJobAbort();
    else jobSignal?.addEventListener('abort', this.onJobAbort, { once: true });
  }

  async run<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = this.controller.signal;
    signal.throwIfAborted();
    const task = fn(signal);
    this.started.push(task.catch(() => undefined));
    const aborted = new Promise<never>((_, reject) => {
      const stop = () => reject(signal.reason instanceof Error ? signal.reason : new UnknownOutcomeError('The call was aborted'));
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
      void task.finally(() => signal.removeEventListener('abort', stop)).catch(() => undefined);
    });
    return Promise.race([task, aborted]);
  }

  async ended(): Promise<void> {
    await Promise.allSettled(this.started);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.jobSignal?.removeEventListener('abort', this.onJobAbort);
  }
}
