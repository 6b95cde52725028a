import { RejectedError } from '../errors.js';
import type { Credentials, Published, PublishContent } from '../provider.js';
import { CONTENT_RULES } from '../rules.js';
import type { LinkedInClient } from './linkedin.client.js';
import { uploadImage, uploadVideo, type VideoWait } from './linkedin.media.js';
import { createPost, type PostContent } from './linkedin.posts.js';
import { authorKind, permalinkOf, toLittleText } from './linkedin.text.js';

const RULES = CONTENT_RULES.linkedin;

/**
 * Publishes as the account's author URN (a member or an organization):
 * - text only: the post alone;
 * - one image: Images API upload, then `content.media`;
 * - 2–20 images: every image uploaded, then `content.multiImage.images` in order;
 * - one video: Videos API multi-part upload, finalize, wait until AVAILABLE, then `content.media`.
 * `beforeCreate` runs right before the create call (the provider remembers what it is about to send).
 */
export async function publishToLinkedIn(
  client: LinkedInClient,
  account: { externalId: string; credentials: Credentials },
  content: PublishContent,
  opts: { videoWait: VideoWait; beforeCreate?: (commentary: string) => void },
): Promise<Published> {
  const author = account.externalId;
  if (!authorKind(author)) throw new RejectedError(`LinkedIn posts need a member or organization URN as author, not "${author}"`, 'bad_author');
  const images = content.media.filter((m) => m.kind === 'image');
  const videos = content.media.filter((m) => m.kind === 'video');
  if (images.length > 0 && videos.length > 0) throw new RejectedError('LinkedIn posts cannot mix images and a video', 'mixed_media');
  if (videos.length > RULES.media.maxVideos) throw new RejectedError('A LinkedIn post can carry one video', 'too_many_videos');
  if (images.length > RULES.media.maxImages) throw new RejectedError(`A LinkedIn post can carry at most ${RULES.media.maxImages} images`, 'too_many_images');
  // Length is left to LinkedIn (422 with its message): whether escapes count is not documented.
  const commentary = toLittleText(content.text);

  const token = account.credentials.accessToken;
  let postContent: PostContent | undefined;
  if (videos[0]) {
    postContent = { media: { id: await uploadVideo(client, token, author, videos[0], opts.videoWait) } };
  } else if (images.length === 1) {
    postContent = { media: withAlt(await uploadImage(client, token, author, images[0]!), images[0]!.altText) };
  } else if (images.length > 1) {
    const uploaded: { id: string; altText?: string }[] = [];
    // One at a time: LinkedIn is strict about bursts, and the order is the carousel order.
    for (const image of images) uploaded.push(withAlt(await uploadImage(client, token, author, image), image.altText));
    postContent = { multiImage: { images: uploaded } };
  }

  opts.beforeCreate?.(commentary);
  const urn = await createPost(client, token, { author, commentary, ...(postContent ? { content: postContent } : {}) });
  return { platformPostId: urn, permalink: permalinkOf(urn), publishedAt: new Date() };
}

function withAlt(id: string, altText: string | undefined): { id: string; altText?: string } {
  return altText ? { id, altText } : { id };
}
