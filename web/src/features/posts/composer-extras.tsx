import { clsx } from 'clsx';
import { Check, Hash, History } from 'lucide-react';
import type { Blocker } from 'react-router';
import { Button } from '../../components/button';
import { Dialog, DialogActions } from '../../components/dialog';
import { formatTimeWithZone } from '../../lib/zoned-time';
import type { LocalDraft } from './composer-draft';

/** "Restore your unsaved draft from 12:04 IST?" above the composer. */
export function RestoreDraftBanner({ draft, zone, onRestore, onDiscard }: { draft: LocalDraft; zone: string; onRestore: () => void; onDiscard: () => void }) {
  const words = draft.content.text.trim().split(/\s+/).filter(Boolean).length;
  return (
    <div className="flex flex-col gap-3 rounded-xl border border-brand-200 bg-brand-50 px-4 py-3 sm:flex-row sm:items-center" role="region" aria-label="Unsaved draft" data-testid="compose-restore">
      <History className="hidden size-5 shrink-0 text-brand-600 sm:block" aria-hidden />
      <p className="flex-1 text-sm text-brand-900">
        Restore your unsaved draft from <span className="font-medium">{formatTimeWithZone(draft.savedAt, zone)}</span>?
        <span className="text-brand-800/70"> ({words} word{words === 1 ? '' : 's'}, kept on this device)</span>
      </p>
      <div className="flex gap-2">
        <Button size="sm" onClick={onRestore} data-testid="compose-restore-yes">
          Restore
        </Button>
        <Button size="sm" variant="ghost" onClick={onDiscard} data-testid="compose-restore-no">
          Discard
        </Button>
      </div>
    </div>
  );
}

/** Asked when leaving the composer for another page with unsaved changes. */
export function LeaveDialog({ blocker }: { blocker: Blocker }) {
  const open = blocker.state === 'blocked';
  return (
    <Dialog open={open} onClose={() => blocker.reset?.()} title="Leave without saving?" size="sm">
      <div className="space-y-4" data-testid="compose-leave-dialog">
        <p className="text-sm text-zinc-600">Your changes aren’t saved to Herald yet. They stay on this device, and the composer offers them back the next time you open it.</p>
        <DialogActions>
          <Button variant="secondary" onClick={() => blocker.proceed?.()} data-testid="compose-leave">
            Leave
          </Button>
          <Button onClick={() => blocker.reset?.()} data-autofocus data-testid="compose-stay">
            Keep writing
          </Button>
        </DialogActions>
      </div>
    </Dialog>
  );
}

/** Whether `text` already carries `tag` as a whole hashtag (case-insensitive). */
export function hasHashtag(text: string, tag: string): boolean {
  const escaped = tag.slice(1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}_])#${escaped}(?![\\p{L}\\p{N}_])`, 'iu').test(text);
}

/** Appends hashtags on a line of their own (or to the last line of hashtags), skipping those already there. */
export function addHashtags(text: string, tags: readonly string[]): string {
  const missing = tags.filter((tag) => !hasHashtag(text, tag));
  if (missing.length === 0) return text;
  const trimmed = text.replace(/\s+$/, '');
  if (!trimmed) return missing.join(' ');
  const lastLine = trimmed.slice(trimmed.lastIndexOf('\n') + 1);
  const tagLine = /^(#[\p{L}\p{N}_]+\s*)+$/u.test(lastLine);
  return `${trimmed}${tagLine ? ' ' : '\n\n'}${missing.join(' ')}`;
}

/** Takes one hashtag out again; only the lines that carried it are tidied (spaces), the rest stays as typed. */
export function removeHashtag(text: string, tag: string): string {
  const escaped = tag.slice(1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const source = `(^|[^\\p{L}\\p{N}_])#${escaped}(?![\\p{L}\\p{N}_])`;
  const pattern = new RegExp(source, 'giu');
  const lines = text.split('\n').map((line) => (new RegExp(source, 'iu').test(line) ? line.replace(pattern, '$1').replace(/[ \t]{2,}/g, ' ').trim() : line));
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').replace(/\s+$/, '');
}

/** The workspace's default hashtags, one click each, for the text being edited (main or one channel's). */
export function HashtagPicker({ tags, text, target, disabled, onChange }: { tags: readonly string[]; text: string; target: string; disabled: boolean; onChange: (text: string) => void }) {
  if (tags.length === 0) return null;
  const allIn = tags.every((tag) => hasHashtag(text, tag));
  return (
    <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label={`Default hashtags for ${target}`} data-testid="compose-hashtags">
      <span className="mr-1 flex items-center gap-1 text-xs font-medium text-zinc-500">
        <Hash className="size-3.5" aria-hidden />
        Brand hashtags
      </span>
      {tags.map((tag) => {
        const on = hasHashtag(text, tag);
        return (
          <button
            key={tag}
            type="button"
            disabled={disabled}
            aria-pressed={on}
            onClick={() => onChange(on ? removeHashtag(text, tag) : addHashtags(text, [tag]))}
            className={clsx(
              'inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset transition disabled:opacity-60',
              on ? 'bg-brand-600 text-white ring-brand-600' : 'bg-white text-zinc-700 ring-zinc-200 hover:ring-zinc-300',
            )}
            data-testid="compose-hashtag"
          >
            {on ? <Check className="size-3" aria-hidden /> : null}
            {tag}
          </button>
        );
      })}
      {tags.length > 1 && !allIn ? (
        <button type="button" disabled={disabled} onClick={() => onChange(addHashtags(text, tags))} className="text-xs font-medium text-brand-700 underline-offset-2 hover:underline disabled:opacity-60" data-testid="compose-hashtags-all">
          Add all
        </button>
      ) : null}
    </div>
  );
}
