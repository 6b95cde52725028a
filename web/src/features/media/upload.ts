import { refreshAccessToken } from '../../api/client';
import { ApiError, networkError } from '../../api/errors';
import { sessionStore } from '../../api/session-store';
import type { Media } from '../../api/types';

export interface UploadOptions {
  altText?: string;
  tags?: string[];
  /** Fraction sent so far, 0..1. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/** What came back from one XHR attempt. */
interface Answer {
  status: number;
  body: unknown;
  retryAfter: string | null;
}

function send(workspaceId: string, file: File, token: string | null, options: UploadOptions): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/media`);
    xhr.withCredentials = true;
    xhr.responseType = 'text';
    xhr.setRequestHeader('Accept', 'application/json');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      resolve({ status: xhr.status, body, retryAfter: xhr.getResponseHeader('retry-after') });
    };
    xhr.onerror = () => reject(uploadInterrupted());
    xhr.ontimeout = () => reject(uploadInterrupted());
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });

    const form = new FormData();
    if (options.altText) form.append('altText', options.altText);
    if (options.tags && options.tags.length > 0) form.append('tags', options.tags.join(','));
    // The file goes last: the server reads the fields before it streams the bytes.
    form.append('file', file, file.name);
    options.onProgress?.(0);
    xhr.send(form);
  });
}

/** The server closes the connection on a refused upload, which can cut the answer off mid-send. */
function uploadInterrupted(): ApiError {
  const base = networkError();
  return new ApiError(0, base.code, 'The upload was interrupted. Check your connection; a file that is too large (images over 10 MB, videos over 100 MB) is refused this way too.');
}

function toError(answer: Answer): ApiError {
  const headers: Record<string, string> = {};
  if (answer.retryAfter) headers['retry-after'] = answer.retryAfter;
  return ApiError.fromResponse(new Response(null, { status: answer.status, headers }), answer.body);
}

/**
 * Uploads one file to the workspace's media library with XMLHttpRequest (fetch can't report upload
 * progress). Sends the Bearer token; on a 401 it refreshes the session the way the API client does
 * (shared with concurrent requests) and tries once more.
 */
export async function uploadMedia(workspaceId: string, file: File, options: UploadOptions = {}): Promise<Media> {
  const token = sessionStore.get().accessToken;
  let answer = await send(workspaceId, file, token, options);
  if (answer.status === 401) {
    const current = sessionStore.get().accessToken;
    const fresh = current && current !== token ? current : await refreshAccessToken();
    if (!fresh) {
      sessionStore.signedOut(true);
      throw toError(answer);
    }
    if (fresh !== current) sessionStore.signedIn(fresh);
    answer = await send(workspaceId, file, fresh, options);
  }
  if (answer.status < 200 || answer.status >= 300) throw toError(answer);
  options.onProgress?.(1);
  return answer.body as Media;
}

/** A sentence for a failed upload, naming the limits on 413 and the accepted types on 415. */
export function describeUploadError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 413) return error.message || 'This file is larger than Herald accepts.';
    if (error.status === 415) return error.message || 'This type of file can’t be uploaded. Use JPEG, PNG, WebP or GIF images, or MP4 or MOV videos.';
    if (error.status === 403) return 'You don’t have permission to upload media in this workspace.';
    if (error.status === 0 || error.status >= 500 || error.status === 429 || error.status === 400) return error.message;
  }
  return error instanceof Error ? error.message : 'The upload failed. Please try again.';
}

export const ACCEPTED_MEDIA = 'image/jpeg,image/png,image/webp,image/gif,video/mp4,video/quicktime,.mov';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}
