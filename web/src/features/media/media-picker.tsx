import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { clsx } from 'clsx';
import { Check, ImageIcon, Search } from 'lucide-react';
import { useEffect, useState } from 'react';
import { describeError } from '../../api/errors';
import type { Media } from '../../api/types';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { controlClasses } from '../../components/field';
import { Skeleton } from '../../components/spinner';
import { useDebounced } from '../../lib/use-debounced';
import { MediaThumb } from './media-thumb';
import { mediaListQuery } from './queries';

interface MediaPickerProps {
  workspaceId: string;
  selected: readonly string[];
  onToggle: (media: Media) => void;
  disabled?: boolean;
}

/** The library as a grid of toggles with a search box: click a thumbnail to attach or detach it. */
export function MediaPicker({ workspaceId, selected, onToggle, disabled = false }: MediaPickerProps) {
  const [q, setQ] = useState('');
  const search = useDebounced(q.trim(), 300);
  const library = useInfiniteQuery(mediaListQuery(workspaceId, { q: search }, 12));
  const queryClient = useQueryClient();
  const items = library.data?.pages.flatMap((page) => page.items) ?? [];

  // Seeds each item's own cache entry, so attached media show at once in the preview.
  useEffect(() => {
    for (const item of library.data?.pages.flatMap((page) => page.items) ?? []) queryClient.setQueryData(['media-item', item.id], item);
  }, [library.data, queryClient]);

  return (
    <div className="space-y-3">
      <div className="relative">
        <Search className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400" aria-hidden />
        <input
          type="search"
          value={q}
          onChange={(event) => setQ(event.target.value)}
          placeholder="Search the library"
          aria-label="Search the media library"
          className={controlClasses(false, 'h-9 pl-9')}
          data-testid="compose-media-search"
        />
      </div>
      {library.isPending ? (
        <div className="grid grid-cols-3 gap-2 sm:grid-cols-4" role="status" aria-label="Loading media">
          {Array.from({ length: 4 }, (_, i) => (
            <Skeleton key={i} className="aspect-square w-full rounded-lg" />
          ))}
        </div>
      ) : library.isError ? (
        <Alert tone="error">{describeError(library.error)}</Alert>
      ) : items.length === 0 ? (
        <div className="flex items-center gap-3 rounded-lg border border-dashed border-zinc-200 px-4 py-5 text-sm text-zinc-500">
          <ImageIcon className="size-5 text-zinc-400" aria-hidden />
          {search ? 'Nothing in the library matches.' : 'The library is empty. Upload a file to attach it.'}
        </div>
      ) : (
        <ul className="grid grid-cols-3 gap-2 sm:grid-cols-4" aria-label="Media library">
          {items.map((item) => {
            const position = selected.indexOf(item.id);
            const isSelected = position !== -1;
            return (
              <li key={item.id}>
                <button
                  type="button"
                  disabled={disabled}
                  aria-pressed={isSelected}
                  aria-label={`${isSelected ? 'Detach' : 'Attach'} ${item.filename}`}
                  title={item.filename}
                  onClick={() => onToggle(item)}
                  className={clsx(
                    'relative block w-full overflow-hidden rounded-lg ring-offset-2 transition disabled:cursor-not-allowed disabled:opacity-60',
                    isSelected ? 'ring-2 ring-brand-500' : 'ring-1 ring-zinc-200 hover:ring-brand-300',
                  )}
                  data-testid="compose-media-item"
                  data-media-id={item.id}
                >
                  <MediaThumb media={item} className="aspect-square w-full" />
                  {isSelected ? (
                    <span className="absolute top-1.5 right-1.5 flex size-5 items-center justify-center rounded-full bg-brand-600 text-[11px] font-semibold text-white shadow">
                      {position + 1}
                    </span>
                  ) : (
                    <span className="absolute top-1.5 right-1.5 flex size-5 items-center justify-center rounded-full border-2 border-white bg-zinc-900/20 text-white opacity-0 shadow transition group-hover:opacity-100">
                      <Check className="size-3" aria-hidden />
                    </span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {library.hasNextPage ? (
        <div className="flex justify-center">
          <Button variant="ghost" size="sm" loading={library.isFetchingNextPage} onClick={() => void library.fetchNextPage()}>
            Show more
          </Button>
        </div>
      ) : null}
    </div>
  );
}
