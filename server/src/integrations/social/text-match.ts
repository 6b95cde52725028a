import { UnknownOutcomeError } from './errors.js';

/**
 * The one rule for platforms that recognise a post by its text (no idempotency marker): a match must be
 * unique. An empty text matches every other post without text, and two posts with the same text since
 * the attempt started cannot be told apart, so both answer "cannot tell" (UnknownOutcomeError: a person
 * checks), never "published". Returns the only match, or null when there is none.
 */
export function uniqueTextMatch<T>(platform: string, text: string, matches: readonly T[]): T | null {
  if (text.trim() === '') {
    throw new UnknownOutcomeError(`${platform}: a post without text cannot be told apart from the account's other posts`, 'empty_text');
  }
  if (matches.length > 1) {
    throw new UnknownOutcomeError(`${platform} has ${matches.length} posts with this exact text since the attempt started; Herald cannot tell which, if any, is this one`, 'ambiguous_match');
  }
  return matches[0] ?? null;
}
