import type { Published } from '../provider.js';

/**
 * What this process knows of its recent publishes, by idempotency key. TikTok has no idempotency
 * key of its own and lists only public posts that passed moderation, so this is the only way to
 * tie a key to the exact post: the publish id TikTok returned, whether the call is still running,
 * and how it ended. It lives in memory: another worker (or a restart) knows nothing, and then
 * `findPublished` falls back to matching the text among the account's public posts.
 *
 * Entries are kept only while they can say something true about the latest attempt: a publish that
 * ended in a certain failure is forgotten (a later attempt may run on another worker, and a stale
 * "not posted" here would then be a lie), and so is one the reconciler has been told is absent.
 */
export interface JournalEntry {
  openId: string;
  text: string;
  /** True while a publish call for this key runs in this process (it may outlive its caller's deadline). */
  inFlight: boolean;
  /** Set from the moment TikTok may publish (just before the last byte, or a pull init's answer). */
  publishId?: string | undefined;
  username?: string | undefined;
  privacy?: string | undefined;
  /** How a publish that returned normally ended. */
  result?: Published | undefined;
  at: number;
}

export class PublishJournal {
  private readonly entries = new Map<string, JournalEntry>();

  constructor(
    private readonly maxEntries = 5000,
    private readonly ttlMs = 3 * 24 * 60 * 60 * 1000,
  ) {}

  /** Starts a publish call, carrying over a publish id an earlier call handed to TikTok. */
  begin(key: string, openId: string, text: string, carried: Pick<JournalEntry, 'publishId' | 'username' | 'privacy'> = {}): JournalEntry {
    const entry: JournalEntry = { openId, text, inFlight: true, ...carried, at: Date.now() };
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return entry;
  }

  recall(key: string, openId: string): JournalEntry | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.openId !== openId) return undefined;
    if (!entry.inFlight && Date.now() - entry.at > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Drops `entry` if it is still the one recorded for `key` (a newer call may have replaced it). */
  forget(key: string, entry: JournalEntry): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
  }
}
