import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { configureImageProcessing, withSharp } from './images.js';

describe('withSharp', () => {
  it('runs at most `concurrency` image jobs at once; the others wait their turn', async () => {
    configureImageProcessing({ maxPixels: 50_000_000, concurrency: 2 });
    let running = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const jobs = Array.from({ length: 5 }, () =>
      withSharp(async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
      }),
    );
    for (let done = 0; done < 5; done++) {
      while (releases.length === 0) await new Promise((r) => setTimeout(r, 5));
      expect(running).toBeLessThanOrEqual(2);
      releases.shift()!();
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(jobs);
    expect(most).toBe(2);
  });

  it('caps every decode at the pixel limit', async () => {
    configureImageProcessing({ maxPixels: 10_000, concurrency: 2 });
    const image = await sharp({ create: { width: 101, height: 100, channels: 3, background: '#808080' } }).png().toBuffer();
    await expect(withSharp((s) => s(image).resize(10).toBuffer())).rejects.toThrow(/pixel limit/);
    const small = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#808080' } }).png().toBuffer();
    await expect(withSharp((s) => s(small).resize(10).toBuffer())).resolves.toBeInstanceOf(Buffer);
  });
});
