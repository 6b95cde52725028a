import { UnknownOutcomeError } from '../errors.js';
import type { PublishContent } from '../provider.js';

/**
 * Neither Facebook nor Instagram lets an app attach a hidden marker to a post, so "did this post go
 * out?" is answered by matching what was sent: the exact text, and the kind of media. The caller can
 * pass the expected content to `findPublished`; otherwise the provider recalls what this process sent
 * under the idempotency key. With neither, nothing can be matched and the answer is "cannot tell".
 */
export interface ExpectedPost {
  text: string;
  /** The kinds of media sent, when known (the reconciler passes only the text). */
  media?: readonly { kind: 'image' | 'video' }[] | undefined;
}

const MEMO_LIMIT = 2000;

export class PublishMemo {
  private readonly byKey = new Map<string, ExpectedPost>();

  remember(idempotencyKey: string, content: PublishContent): void {
    this.byKey.delete(idempotencyKey);
    this.byKey.set(idempotencyKey, { text: content.text, media: content.media.map((m) => ({ kind: m.kind })) });
    // Oldest first in a Map: forget the oldest entries beyond the limit.
    while (this.byKey.size > MEMO_LIMIT) {
      const oldest = this.byKey.keys().next().value;
      if (oldest === undefined) break;
      this.byKey.delete(oldest);
    }
  }

  /**
   * What to look for: the caller's text (authoritative) with the media kinds this process remembers,
   * or an "unknown" error when not even the text is known.
   */
  expected(platformName: string, idempotencyKey: string, given: ExpectedPost | undefined): ExpectedPost {
    const remembered = this.byKey.get(idempotencyKey);
    const text = given?.text ?? remembered?.text;
    if (text === undefined) {
      throw new UnknownOutcomeError(`${platformName} posts carry no idempotency marker; Herald needs the post's text to look for it`);
    }
    return { text, media: given?.media ?? remembered?.media };
  }
}

/** Meta trims surrounding white space and normalises line ends; compare the way it stores text. */
export function sameText(sent: string, stored: string | undefined): boolean {
  return normalise(sent) === normalise(stored ?? '');
}

function normalise(text: string): string {
  return text.normalize('NFC').replace(/\r\n?/g, '\n').trim();
}
