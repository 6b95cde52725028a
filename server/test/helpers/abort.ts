import { setTimeout as sleep } from 'node:timers/promises';

/**
 * An AbortController that aborts as soon as `ready()` holds (checked every 10 ms): e.g. once a fake has
 * received the upload and the provider is waiting on a long poll. Then `settled()` counts what the fake
 * received after a pause, so a test sees that an abandoned call sends nothing more.
 */
export function abortWhen(ready: () => boolean): AbortController {
  const controller = new AbortController();
  const check = async () => {
    while (!controller.signal.aborted) {
      if (ready()) return controller.abort();
      await sleep(10);
    }
  };
  void check();
  return controller;
}

/** How many requests a fake holds once it has been quiet for a while (nothing still on its way). */
export async function quietCount(count: () => number, quietMs = 300): Promise<number> {
  await sleep(quietMs);
  return count();
}
