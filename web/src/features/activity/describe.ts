import { ROLE_LABELS, type AuditEntry, type Role } from '../../api/types';

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
}

/**
 * Turns an audit entry into a sentence. `names` resolves ids (members, workspaces) for entries that
 * only carry an id. Unknown actions still read well ("workspace.archived" → "archived workspace"),
 * so new server events need no dashboard change to be legible.
 */
export function describeEntry(entry: AuditEntry, names: ReadonlyMap<string, string>): DescribedEntry {
  const data = entry.data;
  const role = isRole(data.role) ? [ROLE_LABELS[data.role]] : [];
  const known = names.get(entry.subjectId) ?? null;

  switch (entry.action) {
    case 'organization.created':
      return { verb: 'created the organization', target: text(data.name), details: [] };
    case 'organization.renamed':
      return { verb: 'renamed the organization to', target: text(data.to), details: text(data.from) ? [`Was “${text(data.from)}”`] : [] };
    case 'workspace.created':
      return { verb: 'created workspace', target: text(data.name), details: [] };
    case 'workspace.deleted':
      return { verb: 'deleted workspace', target: text(data.name), details: [] };
    case 'workspace.updated': {
      const fields = Array.isArray(data.fields) ? data.fields.map((field) => FIELD_NAMES[String(field)] ?? String(field)) : [];
      return { verb: 'updated workspace', target: known, details: fields.length > 0 ? [`Changed ${fields.join(', ')}`] : [] };
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
