import { useQueryClient } from '@tanstack/react-query';
import { clsx } from 'clsx';
import { CheckCircle2, CloudUpload, X, XCircle } from 'lucide-react';
import { useCallback, useEffect, useId, useRef, useState, type DragEvent } from 'react';
import type { Media } from '../../api/types';
import { ACCEPTED_MEDIA, describeUploadError, formatBytes, uploadMedia } from './upload';

interface UploadItem {
  key: number;
  name: string;
  size: number;
  progress: number;
  state: 'uploading' | 'done' | 'error';
  error: string | null;
}

interface UploadDropzoneProps {
  workspaceId: string;
  /** Called with each file the server accepted. */
  onUploaded?: (media: Media) => void;
  disabled?: boolean;
  compact?: boolean;
  /** data-testid of the file input. */
  inputTestId: string;
  className?: string;
}

const MAX_PARALLEL = 3;

/**
 * Drag-and-drop (or click to choose) upload area with a progress bar per file and the server's reason
 * when a file is refused (413 too large, 415 unsupported type).
 */
export function UploadDropzone({ workspaceId, onUploaded, disabled = false, compact = false, inputTestId, className }: UploadDropzoneProps) {
  const inputId = useId();
  const hintId = useId();
  const [items, setItems] = useState<UploadItem[]>([]);
  const [dragging, setDragging] = useState(false);
  const nextKey = useRef(1);
  const queue = useRef<{ key: number; file: File }[]>([]);
  const running = useRef(0);
  const mounted = useRef(true);
  const queryClient = useQueryClient();
  const onUploadedRef = useRef(onUploaded);
  onUploadedRef.current = onUploaded;

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const update = (key: number, patch: Partial<UploadItem>) => {
    if (mounted.current) setItems((all) => all.map((item) => (item.key === key ? { ...item, ...patch } : item)));
  };

  const pump = useCallback(() => {
    while (running.current < MAX_PARALLEL && queue.current.length > 0) {
      const next = queue.current.shift();
      if (!next) break;
      running.current += 1;
      uploadMedia(workspaceId, next.file, { onProgress: (fraction) => update(next.key, { progress: fraction }) })
        .then((media) => {
          update(next.key, { state: 'done', progress: 1 });
          queryClient.setQueryData(['media-item', media.id], media);
          void queryClient.invalidateQueries({ queryKey: ['media', workspaceId] });
          onUploadedRef.current?.(media);
          // Finished uploads leave the list after a moment; errors stay until dismissed.
          window.setTimeout(() => mounted.current && setItems((all) => all.filter((item) => item.key !== next.key)), 2500);
        })
        .catch((error: unknown) => update(next.key, { state: 'error', error: describeUploadError(error) }))
        .finally(() => {
          running.current -= 1;
          pump();
        });
    }
  }, [workspaceId, queryClient]);

  const addFiles = (files: FileList | File[] | null) => {
    if (!files || disabled) return;
    const added: UploadItem[] = [];
    for (const file of Array.from(files)) {
      const key = nextKey.current++;
      added.push({ key, name: file.name, size: file.size, progress: 0, state: 'uploading', error: null });
      queue.current.push({ key, file });
    }
    if (added.length === 0) return;
    setItems((all) => [...all, ...added]);
    pump();
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    addFiles(event.dataTransfer.files);
  };

  return (
    <div className={clsx('space-y-2', className)}>
      <label
        htmlFor={inputId}
        onDragEnter={(event) => {
          if (event.dataTransfer.types.includes('Files')) setDragging(true);
        }}
        onDragOver={(event) => {
          if (!event.dataTransfer.types.includes('Files')) return;
          event.preventDefault();
          event.dataTransfer.dropEffect = disabled ? 'none' : 'copy';
        }}
        onDragLeave={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={onDrop}
        className={clsx(
          'flex cursor-pointer flex-col items-center justify-center rounded-xl border-2 border-dashed text-center transition-colors focus-within:border-brand-500 focus-within:ring-3 focus-within:ring-brand-500/15',
          compact ? 'gap-1 px-4 py-4' : 'gap-2 px-6 py-8',
          disabled ? 'cursor-not-allowed border-zinc-200 bg-zinc-50 text-zinc-400' : dragging ? 'border-brand-500 bg-brand-50/70 text-brand-800' : 'border-zinc-300 bg-white text-zinc-600 hover:border-brand-400 hover:bg-brand-50/30',
        )}
      >
        <CloudUpload className={clsx(compact ? 'size-5' : 'size-7', dragging ? 'text-brand-600' : 'text-zinc-400')} aria-hidden />
        <span className="text-sm">
          <span className="font-medium text-brand-700">Click to upload</span> or drag and drop
        </span>
        <span id={hintId} className="text-xs text-zinc-500">
          JPEG, PNG, WebP or GIF up to 10 MB · MP4 or MOV up to 100 MB
        </span>
        <input
          id={inputId}
          type="file"
          multiple
          accept={ACCEPTED_MEDIA}
          disabled={disabled}
          className="sr-only"
          aria-describedby={hintId}
          data-testid={inputTestId}
          onChange={(event) => {
            addFiles(event.target.files);
            event.target.value = '';
          }}
        />
      </label>
      {items.length > 0 ? (
        <ul className="space-y-2" aria-label="Uploads" aria-live="polite">
          {items.map((item) => (
            <li key={item.key} className="rounded-lg border border-zinc-200 bg-white px-3 py-2" data-testid="upload-item" data-state={item.state}>
              <div className="flex items-center gap-2 text-sm">
                {item.state === 'done' ? (
                  <CheckCircle2 className="size-4 shrink-0 text-emerald-500" aria-hidden />
                ) : item.state === 'error' ? (
                  <XCircle className="size-4 shrink-0 text-red-500" aria-hidden />
                ) : null}
                <span className="min-w-0 flex-1 truncate font-medium text-zinc-800">{item.name}</span>
                <span className="shrink-0 text-xs text-zinc-500 tabular-nums">
                  {item.state === 'uploading' ? `${Math.round(item.progress * 100)}% · ` : ''}
                  {formatBytes(item.size)}
                </span>
                {item.state === 'error' ? (
                  <button
                    type="button"
                    className="-m-1 rounded p-1 text-zinc-400 hover:text-zinc-700"
                    aria-label={`Dismiss ${item.name}`}
                    onClick={() => setItems((all) => all.filter((other) => other.key !== item.key))}
                  >
                    <X className="size-4" aria-hidden />
                  </button>
                ) : null}
              </div>
              {item.state === 'error' ? (
                <p className="mt-1 text-sm text-red-600" role="alert" data-testid="upload-error">
                  {item.error}
                </p>
              ) : (
                <div
                  className="mt-2 h-1.5 overflow-hidden rounded-full bg-zinc-100"
                  role="progressbar"
                  aria-label={`Uploading ${item.name}`}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={Math.round(item.progress * 100)}
                >
                  <div className={clsx('h-full rounded-full transition-[width] duration-200', item.state === 'done' ? 'bg-emerald-500' : 'bg-brand-500')} style={{ width: `${Math.max(2, item.progress * 100)}%` }} />
                </div>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
