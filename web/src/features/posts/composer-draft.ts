import { useEffect, useRef } from 'react';
import { useBlocker, type Blocker } from 'react-router';
import type { Override } from './composer-parts';
import type { ScheduleValue } from './schedule-fields';

/** What the composer holds that a person typed or picked: kept on this device until it is saved. */
export interface ComposerContent {
  text: string;
  channelIds: string[];
  mediaIds: string[];
  overrides: Record<string, Override>;
  schedule: ScheduleValue;
}

export interface LocalDraft {
  content: ComposerContent;
  /** When it was last written (ms since the epoch). */
  savedAt: number;
}

const PREFIX = 'herald:composer-draft:';
/** Local drafts older than this are dropped instead of offered. */
const MAX_AGE_MS = 30 * 24 * 3_600_000;

/** One local draft per workspace and post (`new` for a post not saved yet). */
export const draftKey = (workspaceId: string, postId: string | undefined) => `${PREFIX}${workspaceId}:${postId ?? 'new'}`;

/** Whether two contents say the same thing (what the server would receive, plus the chosen time). */
export function sameContent(a: ComposerContent, b: ComposerContent): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}

function normalise(c: ComposerContent) {
  const overrides = Object.keys(c.overrides)
    .filter((id) => c.channelIds.includes(id))
    .sort()
    .map((id) => [id, c.overrides[id]?.text ?? null, c.overrides[id]?.mediaIds ?? null]);
  return { text: c.text, channelIds: [...c.channelIds].sort(), mediaIds: c.mediaIds, overrides };
}

function isContent(value: unknown): value is ComposerContent {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Partial<ComposerContent>;
  return (
    typeof c.text === 'string' &&
    Array.isArray(c.channelIds) &&
    c.channelIds.every((id) => typeof id === 'string') &&
    Array.isArray(c.mediaIds) &&
    c.mediaIds.every((id) => typeof id === 'string') &&
    typeof c.overrides === 'object' &&
    c.overrides !== null &&
    typeof c.schedule?.date === 'string' &&
    typeof c.schedule.time === 'string'
  );
}

/** The local draft under `key`, if there is a usable one (anything unreadable or stale is removed). */
export function readLocalDraft(key: string, storage: Storage | undefined = globalThis.localStorage, now = Date.now()): LocalDraft | null {
  try {
    const raw = storage?.getItem(key);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<LocalDraft>;
    if (typeof parsed.savedAt === 'number' && now - parsed.savedAt < MAX_AGE_MS && isContent(parsed.content)) return { content: parsed.content, savedAt: parsed.savedAt };
    storage?.removeItem(key);
  } catch {
    // Storage disabled or full of something else: no draft to offer.
  }
  return null;
}

export function writeLocalDraft(key: string, content: ComposerContent, storage: Storage | undefined = globalThis.localStorage, now = Date.now()): void {
  try {
    storage?.setItem(key, JSON.stringify({ content, savedAt: now } satisfies LocalDraft));
  } catch {
    // Quota or private mode: the leave warning still protects the work.
  }
}

export function removeLocalDraft(key: string, storage: Storage | undefined = globalThis.localStorage): void {
  try {
    storage?.removeItem(key);
  } catch {
    // Nothing to do.
  }
}

/**
 * Keeps unsaved work: while `dirty`, the content is written to this device (at most every 400 ms,
 * and at once when leaving), closing or reloading the tab asks first, and moving to another page of
 * the dashboard is held until the person confirms (the returned blocker). `allowLeave()` lets a
 * successful save navigate away without asking.
 */
export function useUnsavedWork(key: string, content: ComposerContent, dirty: boolean): { blocker: Blocker; allowLeave: () => void } {
  const latest = useRef({ key, content, dirty });
  latest.current = { key, content, dirty };
  const leaving = useRef(false);

  useEffect(() => {
    if (!dirty || leaving.current) return undefined;
    const timer = setTimeout(() => writeLocalDraft(key, content), 400);
    return () => clearTimeout(timer);
  }, [key, content, dirty]);

  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      const { key: k, content: c, dirty: d } = latest.current;
      if (!d || leaving.current) return;
      writeLocalDraft(k, c);
      event.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);

  const blocker = useBlocker(({ currentLocation, nextLocation }) => {
    const { key: k, content: c, dirty: d } = latest.current;
    if (!d || leaving.current || currentLocation.pathname === nextLocation.pathname) return false;
    writeLocalDraft(k, c);
    return true;
  });

  return {
    blocker,
    allowLeave: () => {
      leaving.current = true;
    },
  };
}
