import { TransientError, UnknownOutcomeError } from '../errors.js';
import type { Credentials, Published } from '../provider.js';
import { str, type TikTokClient } from './client.js';
import { permalink, published } from './creator.js';
import type { PublishJournal } from './journal.js';
import { fetchStatus, settle } from './status.js';
import { uniqueTextMatch } from '../text-match.js';

/** The Display API returns at most 20 posts a page; ten pages cover any plausible reconciliation window. */
const PAGE_SIZE = 20;
const MAX_PAGES = 10;

/**
 * Did a publish under `key` reach TikTok? What is certain, in order:
 * 1. a publish id this process handed over: TikTok's status for it is the answer (FAILED proves
 *    absence, PUBLISH_COMPLETE presence, anything else means ask again later);
 * 2. a post among the account's listed posts since `since` with exactly the text sent: present.
 * Absence from the list proves nothing (TikTok lists only public posts, and only after moderation;
 * unaudited apps post privately), so without a publish id Herald never answers "absent": it throws
 * an UnknownOutcomeError, meaning "cannot tell", for a person to check.
 * `text` is the caption the target would have sent; without it only this process's journal can match.
 */
export async function findPost(
  client: TikTokClient,
  journal: PublishJournal,
  account: { externalId: string; credentials: Credentials },
  key: string,
  since: Date,
  text: string | undefined,
): Promise<Published | null> {
  const token = account.credentials.accessToken;
  const entry = journal.recall(key, account.externalId);
  if (entry?.inFlight) throw new TransientError('Herald is still sending this post to TikTok; ask again later', 'in_flight');
  if (entry?.result) return entry.result;
  if (entry?.publishId) {
    const status = await fetchStatus(client, token, entry.publishId);
    const state = settle(status);
    if (state.state === 'published') return (entry.result = published(state.postId, entry.publishId, entry.username));
    if (state.state === 'failed') {
      // The reconciler publishes again on this answer: the entry has said all it can.
      journal.forget(key, entry);
      return null;
    }
    throw new TransientError(`TikTok is still processing the post (${status.status}); ask again later`, 'processing');
  }
  const caption = text ?? entry?.text;
  const found = caption === undefined ? null : await findByText(client, token, caption, since, entry?.username);
  if (found) return found;
  throw new UnknownOutcomeError(
    'TikTok lists only public posts that passed moderation, so Herald cannot be sure this post is absent; check the TikTok profile before publishing again',
  );
}

async function findByText(client: TikTokClient, token: string, text: string, since: Date, username: string | undefined): Promise<Published | null> {
  const wanted = normalise(text);
  const matches: Published[] = [];
  // create_time has whole seconds; `since` may carry milliseconds.
  const sinceSeconds = Math.floor(since.getTime() / 1000);
  let cursor: number | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { data } = await client.call<{ videos?: unknown; cursor?: unknown; has_more?: unknown }>(token, {
      method: 'POST',
      path: '/v2/video/list/',
      query: { fields: 'id,create_time,title,video_description,share_url' },
      json: cursor === undefined ? { max_count: PAGE_SIZE } : { max_count: PAGE_SIZE, cursor },
    });
    const videos = Array.isArray(data.videos) ? (data.videos as Record<string, unknown>[]) : [];
    let older = false;
    for (const video of videos) {
      const created = typeof video.create_time === 'number' ? video.create_time : undefined;
      if (created !== undefined && created < sinceSeconds) {
        older = true; // newest first: the rest are older still
        break;
      }
      // Ids are strings in the Display API; a numeric id would have lost precision, so it is skipped.
      const id = str(video.id);
      if (!id) continue;
      const captions = [str(video.title), str(video.video_description)].filter((c): c is string => c !== undefined).map(normalise);
      if (captions.includes(wanted)) {
        matches.push({
          platformPostId: id,
          permalink: permalink(username, id) ?? str(video.share_url) ?? null,
          publishedAt: created !== undefined ? new Date(created * 1000) : undefined,
        });
      }
    }
    if (older || data.has_more !== true || typeof data.cursor !== 'number') return uniqueTextMatch('TikTok', text, matches);
    cursor = data.cursor;
  }
  return uniqueTextMatch('TikTok', text, matches);
}

function normalise(text: string): string {
  return text.normalize('NFC').trim();
}
