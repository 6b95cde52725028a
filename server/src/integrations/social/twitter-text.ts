import { createRequire } from 'node:module';
import type TwitterText from 'twitter-text';

type TwitterTextModule = typeof TwitterText;

const require = createRequire(import.meta.url);
let loaded: TwitterTextModule | undefined;

/**
 * twitter-text (X's own counting, URL and hashtag rules), loaded on first use: it takes ~0.1 s of CPU to
 * load, and nothing needs it before the first post is checked, so `herald start` does not pay for it.
 * Synchronous (a CommonJS require) because the rule checks that use it are.
 */
export function twitterText(): TwitterTextModule {
  loaded ??= require('twitter-text') as TwitterTextModule;
  return loaded;
}
