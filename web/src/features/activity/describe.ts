import { ROLE_LABELS, type AuditEntry, type Role } from '../../api/types';
import { formatDateTime } from '../../lib/format';
import { postTitle } from '../posts/queries';

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);
const isRole = (value: unknown): value is Role => typeof value === 'string' && value in ROLE_LABELS;

const FIELD_NAMES: Record<string, string> = {
  name: 'name',
  timezone: 'time zone',
  description: 'description',
  industry: 'industry',
  brandVoice: 'brand voice',
  defaultHashtags: 'default hashtags',
};

export interface DescribedEntry {
  /** What happened, after the actor's name: "created workspace". */
  verb: string;
  /** The thing it happened to, when known: "Sunrise Bakery". */
  target: string | null;
  /** Short extra facts: a role, a role change, the fields that changed. */
  details: string[];
  /** Where the target can be seen, when it still can (a post, a workspace). */
  link: string | null;
  /** The post on the platform, for a publish result that has one. */
  permalink: string | null;
}

/**
 * Turns an audit entry into a sentence. `names` resolves ids (members, workspaces) for entries that
 * only carry an id. Unknown actions still read well ("workspace.archived" → "archived workspace"),
 * so new server events need no dashboard change to be legible.
 */
export function describeEntry(entry: AuditEntry, names: ReadonlyMap<string, string>, orgId: string): DescribedEntry {
  const described = describeAction(entry, names, orgId);
  return { link: null, permalink: null, ...described };
}

const POST_VERBS: Record<string, string> = {
  'post.created': 'wrote the draft',
  'post.updated': 'edited',
  'post.scheduled': 'scheduled',
  'post.queued': 'added to the queue',
  'post.publish_now': 'chose Publish now for',
  'post.cancelled': 'unscheduled',
  'post.deleted': 'deleted the post',
  'post.deleted_from_platform': 'deleted from the platforms',
  'post.needs_review': 'asked for a check on',
  'post.published': 'published',
  'post.partially_published': 'published on some channels',
  'post.failed': 'could not publish',
  'post.publish_failed': 'could not publish',
  'post.needs_reauth': 'could not reach the channel for',
};

const when = (value: unknown): string | null => {
  const iso = text(value);
  return iso && !Number.isNaN(Date.parse(iso)) ? formatDateTime(iso) : null;
};

/** A post's entry: its title (as recorded, else as known), a link to it, and what the entry adds. */
function describePost(entry: AuditEntry, names: ReadonlyMap<string, string>, orgId: string): DescribedEntry {
  const data = entry.data;
  const title = text(data.title) ?? (text(data.text) ? postTitle(text(data.text)!, 60) : null) ?? names.get(entry.subjectId) ?? 'a post';
  const [, action = 'changed'] = entry.action.split('.');
  const verb = POST_VERBS[entry.action] ?? `${action.replace(/_/g, ' ')} post`;
  const details: string[] = [];
  const at = when(data.scheduledAt);
  if (at && entry.action !== 'post.publish_now') details.push(`For ${at}`);
  if (Array.isArray(data.fields)) details.push(`Changed ${data.fields.map(String).join(', ')}`);
  for (const key of ['channelName', 'channel', 'platform'] as const) if (text(data[key])) details.push(text(data[key])!);
  if (typeof data.channels === 'number') details.push(`${data.channels} channel${data.channels === 1 ? '' : 's'}`);
  if (typeof data.targets === 'number') details.push(`${data.targets} channel${data.targets === 1 ? '' : 's'}`);
  for (const key of ['reason', 'error', 'message'] as const) if (text(data[key])) details.push(text(data[key])!);
  const gone = entry.action === 'post.deleted';
  const permalink = text(data.permalink);
  return { verb, target: title, details, link: gone ? null : `/orgs/${orgId}/posts/${entry.subjectId}`, permalink: permalink && /^https?:\/\//.test(permalink) ? permalink : null };
}

function describeAction(entry: AuditEntry, names: ReadonlyMap<string, string>, orgId: string): Omit<DescribedEntry, 'link' | 'permalink'> & { link?: string | null; permalink?: string | null } {
  const data = entry.data;
  if (entry.subjectType === 'post' || entry.action.startsWith('post.')) return describePost(entry, names, orgId);
  const role = isRole(data.role) ? [ROLE_LABELS[data.role]] : [];
  const known = names.get(entry.subjectId) ?? null;

  switch (entry.action) {
    case 'organization.created':
      return { verb: 'created the organization', target: text(data.name), details: [] };
    case 'organization.renamed':
      return { verb: 'renamed the organization to', target: text(data.to), details: text(data.from) ? [`Was “${text(data.from)}”`] : [] };
    case 'workspace.created':
      return { verb: 'created workspace', target: text(data.name), details: [], link: `/orgs/${orgId}/workspaces/${entry.subjectId}` };
    case 'workspace.deleted':
      return { verb: 'deleted workspace', target: text(data.name), details: [] };
    case 'workspace.updated': {
      const fields = Array.isArray(data.fields) ? data.fields.map((field) => FIELD_NAMES[String(field)] ?? String(field)) : [];
      return { verb: 'updated workspace', target: known, details: fields.length > 0 ? [`Changed ${fields.join(', ')}`] : [], link: known ? `/orgs/${orgId}/workspaces/${entry.subjectId}` : null };
    }
    case 'invitation.created':
      return { verb: 'invited', target: text(data.email), details: role };
    case 'invitation.resent':
      return { verb: 'sent a new invitation link to', target: text(data.email), details: role };
    case 'invitation.revoked':
      return { verb: 'revoked the invitation for', target: text(data.email), details: role };
    case 'invitation.accepted':
      return { verb: 'joined the organization', target: null, details: role };
    case 'member.role_changed':
      return {
        verb: 'changed the role of',
        target: known ?? 'a member',
        details: isRole(data.from) && isRole(data.to) ? [`${ROLE_LABELS[data.from]} → ${ROLE_LABELS[data.to]}`] : [],
      };
    case 'member.removed':
      return { verb: 'removed', target: text(data.email) ?? known ?? 'a member', details: role };
    case 'member.left':
      return { verb: 'left the organization', target: null, details: role };
    default: {
      const [subject = entry.subjectType, ...rest] = entry.action.split('.');
      const verb = rest.join(' ').replace(/_/g, ' ') || 'changed';
      return { verb: `${verb} ${subject.replace(/_/g, ' ')}`, target: text(data.name) ?? text(data.email) ?? known, details: role };
    }
  }
}

/** "Today", "Yesterday", or the date, for grouping the timeline. */
export function dayLabel(iso: string, now = new Date()): string {
  const day = new Date(iso);
  const startOf = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const diff = Math.round((startOf(now) - startOf(day)) / 86_400_000);
  if (diff === 0) return 'Today';
  if (diff === 1) return 'Yesterday';
  return new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: day.getFullYear() === now.getFullYear() ? undefined : 'numeric' }).format(day);
}
