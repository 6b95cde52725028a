import { ImagePlus, X } from 'lucide-react';
import type { Media } from '../../api/types';
import { Card, CardBody, CardHeader } from '../../components/card';
import { Skeleton } from '../../components/spinner';
import { MediaPicker } from '../media/media-picker';
import { MediaThumb } from '../media/media-thumb';
import { UploadDropzone } from '../media/upload-dropzone';

interface MediaCardProps {
  workspaceId: string;
  /** The media in use where the composer is (the main media, or one channel's own). */
  media: string[];
  mediaById: Map<string, Media>;
  locked: boolean;
  /** The channel's name when these are one channel's own media. */
  only: string | null;
  onChange: (update: (ids: string[]) => string[]) => void;
}

/** The composer's media: what is attached (in order), uploads, and the library. */
export function MediaCard({ workspaceId, media, mediaById, locked, only, onChange }: MediaCardProps) {
  return (
    <Card aria-labelledby="compose-media">
      <CardHeader
        id="compose-media"
        title="Media"
        description={only ? `Only for ${only}.` : 'Shared by every channel unless a channel has its own.'}
      />
      <CardBody className="space-y-4">
        {media.length > 0 ? (
          <ol className="flex flex-wrap gap-2" aria-label="Attached media">
            {media.map((id, index) => {
              const item = mediaById.get(id);
              return (
                <li key={id} className="relative" data-testid="compose-attached" data-media-id={id}>
                  {item ? <MediaThumb media={item} className="size-20 rounded-lg ring-1 ring-zinc-200" /> : <Skeleton className="size-20 rounded-lg" />}
                  <span className="absolute top-1 left-1 flex size-5 items-center justify-center rounded-full bg-zinc-900/70 text-[11px] font-semibold text-white">{index + 1}</span>
                  {!locked ? (
                    <button
                      type="button"
                      onClick={() => onChange((ids) => ids.filter((other) => other !== id))}
                      className="absolute -top-1.5 -right-1.5 flex size-6 items-center justify-center rounded-full bg-white text-zinc-600 shadow ring-1 ring-zinc-200 hover:text-zinc-900"
                      aria-label={`Remove ${item?.filename ?? 'media'}`}
                    >
                      <X className="size-3.5" aria-hidden />
                    </button>
                  ) : null}
                </li>
              );
            })}
          </ol>
        ) : null}
        {!locked ? (
          <>
            <UploadDropzone workspaceId={workspaceId} compact inputTestId="compose-upload" onUploaded={(uploaded) => onChange((ids) => (ids.includes(uploaded.id) ? ids : [...ids, uploaded.id]))} />
            <div>
              <h3 className="mb-2 flex items-center gap-2 text-sm font-medium text-zinc-800">
                <ImagePlus className="size-4 text-zinc-400" aria-hidden />
                From the library
              </h3>
              <MediaPicker workspaceId={workspaceId} selected={media} onToggle={(item) => onChange((ids) => (ids.includes(item.id) ? ids.filter((id) => id !== item.id) : [...ids, item.id]))} />
            </div>
          </>
        ) : null}
      </CardBody>
    </Card>
  );
}
