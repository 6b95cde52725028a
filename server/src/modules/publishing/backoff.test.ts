import { describe, expect, it } from 'vitest';
import { MAX_RETRY_DELAY_MS, nextRetryAt } from './backoff.js';

const now = new Date('2026-01-01T00:00:00Z');
const delay = (attempt: number, random: number, platformRetryAt?: Date) =>
  nextRetryAt({ now, attempt, baseMs: 1000, random: () => random, platformRetryAt }).getTime() - now.getTime();

describe('nextRetryAt', () => {
  it('doubles with each attempt, within ±25 % jitter', () => {
    expect(delay(1, 0.5)).toBe(1000);
    expect(delay(2, 0.5)).toBe(2000);
    expect(delay(3, 0.5)).toBe(4000);
    expect(delay(3, 0)).toBe(3000);
    expect(delay(3, 1)).toBe(5000);
  });

  it('is capped at one hour', () => {
    expect(delay(40, 0.5)).toBe(MAX_RETRY_DELAY_MS);
  });

  it('never comes before the platform reset time', () => {
    expect(delay(1, 0.5, new Date(now.getTime() + 90_000))).toBe(90_000);
    expect(delay(5, 0.5, new Date(now.getTime() + 10))).toBe(16_000);
  });
});
