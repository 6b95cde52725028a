import { useInfiniteQuery } from '@tanstack/react-query';
import { ImageIcon, Search } from 'lucide-react';
import { useState } from 'react';
import { describeError } from '../api/errors';
import type { Media } from '../api/types';
import { Alert } from '../components/alert';
import { Button } from '../components/button';
import { Card, CardBody } from '../components/card';
import { controlClasses, NativeSelect } from '../components/field';
import { EmptyState } from '../components/empty-state';
import { PageHeader } from '../components/page-header';
import { Skeleton } from '../components/spinner';
import { MediaDialog } from '../features/media/media-dialog';
import { MediaThumb } from '../features/media/media-thumb';
import { mediaListQuery } from '../features/media/queries';
import { formatBytes } from '../features/media/upload';
import { UploadDropzone } from '../features/media/upload-dropzone';
import { useCurrentOrg } from '../features/orgs/org-context';
import { useCurrentWorkspace } from '../features/workspaces/workspace-context';
import { useDebounced } from '../lib/use-debounced';

/** The workspace's images and videos: upload, search, filter, alt text and tags, delete. */
export function MediaPage() {
  const workspace = useCurrentWorkspace();
  const { org, can } = useCurrentOrg();
  const canWrite = can('media.write');
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<'' | 'image' | 'video'>('');
  const [tag, setTag] = useState('');
  const [open, setOpen] = useState<Media | null>(null);
  const search = useDebounced(q.trim(), 300);
  const tagFilter = useDebounced(tag.trim().replace(/,/g, ''), 300);
  const media = useInfiniteQuery(mediaListQuery(workspace.id, { q: search, kind: kind || undefined, tag: tagFilter }, 30));
  const items = media.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Boolean(search || kind || tagFilter);

  return (
    <>
      <PageHeader eyebrow={workspace.name} title="Media library" description="Images and videos for this brand’s posts. Herald adapts images to each network’s rules when it publishes." />
      <div className="space-y-6">
        {canWrite ? (
          <Card>
            <CardBody>
              <UploadDropzone workspaceId={workspace.id} inputTestId="media-upload" />
            </CardBody>
          </Card>
        ) : null}
        <div className="flex flex-col gap-3 sm:flex-row sm:items-center">
          <div className="relative flex-1">
            <Search className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400" aria-hidden />
            <input
              type="search"
              value={q}
              onChange={(event) => setQ(event.target.value)}
              placeholder="Search by file name or alt text"
              aria-label="Search media"
              className={controlClasses(false, 'h-10 pl-9')}
              data-testid="media-search"
            />
          </div>
          <div className="flex gap-3">
            <div className="w-36 shrink-0 sm:w-40">
              <NativeSelect
                aria-label="Kind"
                value={kind}
                onChange={(event) => setKind(event.target.value as '' | 'image' | 'video')}
                options={[
                  { value: '', label: 'All media' },
                  { value: 'image', label: 'Images' },
                  { value: 'video', label: 'Videos' },
                ]}
                data-testid="media-kind"
              />
            </div>
            <input value={tag} onChange={(event) => setTag(event.target.value)} placeholder="Tag" aria-label="Filter by tag" className={controlClasses(false, 'h-10 w-full sm:w-36')} data-testid="media-tag" />
          </div>
        </div>
        {media.isPending ? (
          <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4" role="status" aria-label="Loading media">
            {Array.from({ length: 8 }, (_, i) => (
              <li key={i}>
                <Skeleton className="aspect-square w-full rounded-xl" />
              </li>
            ))}
          </ul>
        ) : media.isError ? (
          <Alert tone="error">{describeError(media.error)}</Alert>
        ) : items.length === 0 ? (
          <Card>
            <EmptyState
              icon={ImageIcon}
              title={filtered ? 'No media matches' : 'No media yet'}
              description={filtered ? 'Try another search, kind or tag.' : canWrite ? 'Upload images and videos above; they’ll be ready to attach to posts.' : 'Editors can upload images and videos here.'}
            />
          </Card>
        ) : (
          <>
            <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4" data-testid="media-grid">
              {items.map((item) => (
                <li key={item.id}>
                  <button
                    type="button"
                    onClick={() => setOpen(item)}
                    className="group block w-full overflow-hidden rounded-xl border border-zinc-200 bg-white text-left shadow-xs transition hover:border-brand-300 hover:shadow-md"
                    data-testid="media-item"
                    data-media-id={item.id}
                  >
                    <MediaThumb media={item} className="aspect-square w-full" />
                    <div className="space-y-1 px-3 py-2">
                      <p className="truncate text-sm font-medium text-zinc-900 group-hover:text-brand-700">{item.filename}</p>
                      <p className="truncate text-xs text-zinc-500">
                        {item.width && item.height ? `${item.width}×${item.height} · ` : ''}
                        {formatBytes(item.sizeBytes)}
                      </p>
                      {item.tags.length > 0 ? (
                        <p className="flex flex-wrap gap-1">
                          {item.tags.slice(0, 3).map((t) => (
                            <span key={t} className="rounded bg-zinc-100 px-1.5 py-0.5 text-[11px] text-zinc-600">
                              {t}
                            </span>
                          ))}
                        </p>
                      ) : null}
                      {!item.altText && item.kind === 'image' ? <p className="text-[11px] text-amber-700">No alt text</p> : null}
                    </div>
                  </button>
                </li>
              ))}
            </ul>
            {media.hasNextPage ? (
              <div className="flex justify-center">
                <Button variant="secondary" loading={media.isFetchingNextPage} onClick={() => void media.fetchNextPage()} data-testid="media-more">
                  Load more
                </Button>
              </div>
            ) : null}
            {media.isFetchNextPageError ? <Alert tone="error">Couldn’t load more media. Please try again.</Alert> : null}
          </>
        )}
      </div>
      <MediaDialog media={open} workspacePath={`/orgs/${org.id}/workspaces/${workspace.id}`} canEdit={canWrite} onClose={() => setOpen(null)} />
    </>
  );
}
