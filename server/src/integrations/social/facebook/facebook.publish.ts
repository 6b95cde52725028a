import { RejectedError } from '../errors.js';
import type { MediaItem, Published, PublishContent } from '../provider.js';
import { requireId, str, type GraphClient } from '../graph/graph-client.js';

/**
 * Publishing to a Facebook Page with its page token (developers.facebook.com/docs/pages-api/posts):
 * - text:          POST /{page}/feed {message}
 * - one image:     POST /{page}/photos {url, message} (a published photo makes its own feed post)
 * - many images:   POST /{page}/photos {url, published=false} per image, then
 *                  POST /{page}/feed {message, attached_media=[{"media_fbid":…}]}
 * - one video:     POST /{page}/videos {file_url, description}
 * Facebook fetches `url`/`file_url` itself, so media go by their public signed URLs.
 * Only the call that makes the post visible is a side effect: an unpublished photo whose answer was
 * lost is harmless (it is never shown), so those steps may simply be retried.
 * After the post exists nothing may throw (a throw would make the pipeline publish again): the
 * permalink lookup falls back to the canonical URL.
 */
export async function publishToPage(graph: GraphClient, pageId: string, token: string, content: PublishContent): Promise<Published> {
  const images = content.media.filter((m) => m.kind === 'image');
  const videos = content.media.filter((m) => m.kind === 'video');
  if (images.length > 0 && videos.length > 0) throw new RejectedError('Facebook cannot combine photos and a video in one post');
  if (videos.length > 1) throw new RejectedError('Facebook takes one video per post');
  if (videos[0]) return publishVideo(graph, pageId, token, content.text, videos[0]);
  if (images.length === 1 && images[0]) return publishSinglePhoto(graph, pageId, token, content.text, images[0]);
  if (images.length > 1) return publishPhotoSet(graph, pageId, token, content.text, images);
  if (content.text.trim() === '') throw new RejectedError('A Facebook post needs text, a photo or a video');
  const created = await graph.post(`${pageId}/feed`, token, { message: content.text }, { sideEffect: true });
  const postId = requireId(created, 'Facebook post');
  return { platformPostId: postId, permalink: await postPermalink(graph, postId, token), publishedAt: new Date() };
}

async function publishSinglePhoto(graph: GraphClient, pageId: string, token: string, text: string, image: MediaItem): Promise<Published> {
  const created = await graph.post(
    `${pageId}/photos`,
    token,
    { url: image.url, message: text === '' ? undefined : text, published: 'true', alt_text_custom: image.altText },
    { sideEffect: true },
  );
  // The answer is {"id": <photo id>, "post_id": <page>_<post>}; the feed post is what Herald tracks.
  const postId = str(created.post_id) ?? requireId(created, 'Facebook photo');
  return { platformPostId: postId, permalink: await postPermalink(graph, postId, token), publishedAt: new Date() };
}

async function publishPhotoSet(graph: GraphClient, pageId: string, token: string, text: string, images: MediaItem[]): Promise<Published> {
  const photoIds: string[] = [];
  for (const image of images) {
    const uploaded = await graph.post(`${pageId}/photos`, token, { url: image.url, published: 'false', alt_text_custom: image.altText });
    photoIds.push(requireId(uploaded, 'Facebook photo upload'));
  }
  const created = await graph.post(
    `${pageId}/feed`,
    token,
    { message: text === '' ? undefined : text, attached_media: JSON.stringify(photoIds.map((id) => ({ media_fbid: id }))) },
    { sideEffect: true },
  );
  const postId = requireId(created, 'Facebook post');
  return { platformPostId: postId, permalink: await postPermalink(graph, postId, token), publishedAt: new Date() };
}

async function publishVideo(graph: GraphClient, pageId: string, token: string, text: string, video: MediaItem): Promise<Published> {
  const created = await graph.post(`${pageId}/videos`, token, { file_url: video.url, description: text === '' ? undefined : text, published: 'true' }, { sideEffect: true });
  // Video posts are tracked by the video id (delete and video insights take it).
  const videoId = requireId(created, 'Facebook video');
  let permalink = `https://www.facebook.com/${pageId}/videos/${videoId}/`;
  try {
    const node = await graph.get(videoId, token, { fields: 'permalink_url' });
    const link = str(node.permalink_url);
    if (link) permalink = absolute(link);
  } catch {
    // The video exists; the canonical URL will do.
  }
  return { platformPostId: videoId, permalink, publishedAt: new Date() };
}

/** `permalink_url` of a post, or https://www.facebook.com/{post_id} when it cannot be read. */
export async function postPermalink(graph: GraphClient, postId: string, token: string): Promise<string> {
  try {
    const node = await graph.get(postId, token, { fields: 'permalink_url' });
    const link = str(node.permalink_url);
    if (link) return absolute(link);
  } catch {
    // Read-after-write can lag; the canonical URL always resolves.
  }
  return `https://www.facebook.com/${postId}`;
}

/** Video permalinks come back as paths ("/page/videos/123/"). */
function absolute(link: string): string {
  return link.startsWith('/') ? `https://www.facebook.com${link}` : link;
}
