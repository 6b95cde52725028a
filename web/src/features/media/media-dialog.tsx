import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../../api/client';
import { ApiError, describeError } from '../../api/errors';
import type { Media, PostStatus } from '../../api/types';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Dialog } from '../../components/dialog';
import { Textarea } from '../../components/field';
import { TagInput } from '../../components/tag-input';
import { useToast } from '../../components/toast';
import { formatDateTimeIn } from '../../lib/zoned-time';
import { useCurrentWorkspace } from '../workspaces/workspace-context';
import { POST_STATUSES } from '../posts/status';
import { MediaThumb } from './media-thumb';
import { formatBytes } from './upload';

interface MediaDialogProps {
  media: Media | null;
  /** Base path of the workspace, for links to the posts that use the file. */
  workspacePath: string;
  canEdit: boolean;
  onClose: () => void;
}

/** One file of the library: a large preview, its facts, alt text and tags, and delete. */
export function MediaDialog({ media, workspacePath, canEdit, onClose }: MediaDialogProps) {
  return (
    <Dialog open={media !== null} onClose={onClose} title={media?.filename ?? 'Media'} size="lg">
      {media ? <MediaEditor key={media.id} media={media} workspacePath={workspacePath} canEdit={canEdit} onDone={onClose} /> : <span />}
    </Dialog>
  );
}

const tagFormat = (raw: string) => raw.trim().replace(/,/g, '').slice(0, 50);

function MediaEditor({ media, workspacePath, canEdit, onDone }: { media: Media; workspacePath: string; canEdit: boolean; onDone: () => void }) {
  const [altText, setAltText] = useState(media.altText);
  const [tags, setTags] = useState<string[]>(media.tags);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const queryClient = useQueryClient();
  const toast = useToast();
  const workspace = useCurrentWorkspace();
  const dirty = altText !== media.altText || JSON.stringify(tags) !== JSON.stringify(media.tags);

  const save = useMutation({
    mutationFn: () => call(api.PATCH('/api/v1/media/{mediaId}', { params: { path: { mediaId: media.id } }, body: { altText: altText.trim(), tags } })),
    onSuccess: async (updated) => {
      queryClient.setQueryData(['media-item', updated.id], updated);
      await queryClient.invalidateQueries({ queryKey: ['media', media.workspaceId] });
      toast.success('Media details saved.');
      onDone();
    },
  });

  const remove = useMutation({
    mutationFn: () => call(api.DELETE('/api/v1/media/{mediaId}', { params: { path: { mediaId: media.id } } })),
    onError: () => setConfirmingDelete(false),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: ['media-item', media.id] });
      await queryClient.invalidateQueries({ queryKey: ['media', media.workspaceId] });
      toast.success(`${media.filename} deleted.`);
      onDone();
    },
  });

  const inUse = remove.error instanceof ApiError && remove.error.code === 'media_in_use' ? remove.error : null;
  const usedBy = inUse && Array.isArray(inUse.details.posts) ? (inUse.details.posts as { id: string; status: string }[]) : [];
  const saveError = save.error instanceof ApiError ? save.error : null;

  const facts = [
    media.mime,
    formatBytes(media.sizeBytes),
    media.width && media.height ? `${media.width} × ${media.height}` : null,
    media.durationSeconds ? `${Math.round(media.durationSeconds)} s` : null,
    `Uploaded ${formatDateTimeIn(media.createdAt, workspace.timezone)}`,
  ].filter(Boolean);

  return (
    <div className="grid gap-6 md:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
      <div className="space-y-3">
        {media.kind === 'video' ? (
          <video src={media.url} controls playsInline className="aspect-square w-full rounded-lg bg-zinc-900 object-contain" aria-label={media.altText || media.filename} />
        ) : (
          <MediaThumb media={{ ...media, thumbnailUrl: media.url }} fit="contain" className="aspect-square w-full rounded-lg" />
        )}
        <p className="text-xs text-zinc-500">{facts.join(' · ')}</p>
      </div>
      <form
        noValidate
        className="flex flex-col gap-5"
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <fieldset disabled={!canEdit || save.isPending} className="space-y-5">
          <Textarea
            label="Alt text"
            hint="Describes the image for people using screen readers. Networks that support alt text receive it."
            value={altText}
            onChange={(event) => setAltText(event.target.value)}
            maxLength={1000}
            rows={4}
            error={saveError?.fieldError('altText')}
            data-testid="media-alt"
          />
          <TagInput label="Tags" value={tags} onChange={setTags} format={tagFormat} max={30} placeholder="e.g. summer, product" hint="Press Enter or comma after each tag." error={saveError?.fieldError('tags')} data-testid="media-tags" />
        </fieldset>
        {save.error && !saveError?.fieldError('altText') && !saveError?.fieldError('tags') ? <Alert tone="error">{describeError(save.error)}</Alert> : null}
        {inUse ? (
          <Alert tone="error" title="This file is still in use">
            <p>Remove it from {usedBy.length === 1 ? 'this post' : 'these posts'} first (only published posts may keep it):</p>
            <ul className="mt-1.5 list-disc space-y-0.5 pl-5">
              {usedBy.map((post) => (
                <li key={post.id}>
                  <Link to={`${workspacePath}/posts/${post.id}`} className="font-medium underline underline-offset-2" onClick={onDone}>
                    {POST_STATUSES[post.status as PostStatus]?.label ?? post.status} post
                  </Link>
                </li>
              ))}
            </ul>
          </Alert>
        ) : remove.error ? (
          <Alert tone="error">{describeError(remove.error)}</Alert>
        ) : null}
        {canEdit ? (
          confirmingDelete ? (
            <div className="mt-auto rounded-lg border border-red-200 bg-red-50/60 p-3">
              <p className="text-sm text-red-800">Delete {media.filename}? Published posts keep their copy; this can’t be undone.</p>
              <div className="mt-3 flex justify-end gap-2">
                <Button variant="secondary" size="sm" onClick={() => setConfirmingDelete(false)} disabled={remove.isPending}>
                  Keep it
                </Button>
                <Button variant="danger" size="sm" loading={remove.isPending} onClick={() => remove.mutate()} data-testid="media-delete-confirm">
                  Delete file
                </Button>
              </div>
            </div>
          ) : (
            <div className="mt-auto flex flex-col-reverse gap-2 sm:flex-row sm:items-center">
              <Button variant="danger-outline" icon={Trash2} onClick={() => setConfirmingDelete(true)} data-testid="media-delete" className="sm:mr-auto">
                Delete
              </Button>
              <Button variant="secondary" onClick={onDone}>
                Cancel
              </Button>
              <Button type="submit" loading={save.isPending} disabled={!dirty} data-testid="media-save">
                Save
              </Button>
            </div>
          )
        ) : null}
      </form>
    </div>
  );
}
