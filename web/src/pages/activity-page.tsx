import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Activity, Building2, LayoutGrid, Mail, PenSquare, Radio, UserRound, Users, type LucideIcon } from 'lucide-react';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import { describeError } from '../api/errors';
import type { AuditEntry } from '../api/types';
import { Alert } from '../components/alert';
import { Badge } from '../components/badge';
import { Button } from '../components/button';
import { Card, CardBody } from '../components/card';
import { EmptyState } from '../components/empty-state';
import { PageHeader } from '../components/page-header';
import { ListSkeleton } from '../components/spinner';
import { dayLabel, describeEntry } from '../features/activity/describe';
import { membersQuery } from '../features/members/queries';
import { useCurrentOrg } from '../features/orgs/org-context';
import { workspacesQuery } from '../features/workspaces/queries';
import { formatDateTime } from '../lib/format';
import { browserTimezone } from '../lib/timezones';
import { formatTimeWithZone, zoneLabel } from '../lib/zoned-time';
import { NotFoundPanel } from './not-found-page';

const ICONS: Record<string, LucideIcon> = {
  workspace: LayoutGrid,
  member: Users,
  membership: Users,
  invitation: Mail,
  org: Building2,
  organization: Building2,
  user: UserRound,
  post: PenSquare,
  channel: Radio,
};

const PAGE_SIZE = 50;

/** The organization's audit trail, newest first (owners and admins). */
export function ActivityPage() {
  const { org, can } = useCurrentOrg();
  const allowed = can('audit.read');
  const audit = useInfiniteQuery({
    queryKey: ['audit', org.id],
    queryFn: ({ pageParam }) => call(api.GET('/api/v1/orgs/{orgId}/audit', { params: { path: { orgId: org.id }, query: { limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    enabled: allowed,
  });

  // Some entries name their subject only by id (a member whose role changed): resolve what we can.
  const members = useQuery({ ...membersQuery(org.id), enabled: allowed });
  const workspaces = useQuery({ ...workspacesQuery(org.id), enabled: allowed });
  const names = useMemo(() => {
    const map = new Map<string, string>();
    // The log itself remembers people who have since left: actors by name, joiners by email.
    for (const entry of audit.data?.pages.flatMap((page) => page.items) ?? []) {
      if (entry.actor) map.set(entry.actor.id, entry.actor.name);
      if (entry.action === 'invitation.accepted' && typeof entry.data.userId === 'string' && typeof entry.data.email === 'string' && !map.has(entry.data.userId)) {
        map.set(entry.data.userId, entry.data.email);
      }
    }
    for (const member of members.data ?? []) map.set(member.user.id, member.user.name);
    for (const workspace of workspaces.data ?? []) map.set(workspace.id, workspace.name);
    return map;
  }, [audit.data, members.data, workspaces.data]);

  if (!allowed) return <NotFoundPanel title="Activity is for owners and admins" message="Ask an owner or admin of this organization if you need to see its activity log." />;

  const groups: { day: string; entries: AuditEntry[] }[] = [];
  for (const entry of audit.data?.pages.flatMap((page) => page.items) ?? []) {
    const day = dayLabel(entry.createdAt);
    const last = groups[groups.length - 1];
    if (last?.day === day) last.entries.push(entry);
    else groups.push({ day, entries: [entry] });
  }

  return (
    <>
      <PageHeader title="Activity" description={`Who changed what in ${org.name}: posts, workspaces, members, invitations and settings. Times are in your time zone, ${zoneLabel(browserTimezone())}.`} />
      {audit.isPending ? (
        <Card>
          <ListSkeleton rows={5} />
        </Card>
      ) : !audit.data ? (
        <Alert tone="error">{describeError(audit.error)}</Alert>
      ) : groups.length === 0 ? (
        <Card>
          <EmptyState icon={Activity} title="No activity yet" description="Changes to workspaces, members and settings will be listed here as they happen." />
        </Card>
      ) : (
        <div className="space-y-8" data-testid="activity-list">
          {groups.map((group) => (
            <section key={group.day} aria-label={group.day}>
              <h2 className="mb-3 text-sm font-semibold text-zinc-500">{group.day}</h2>
              <Card>
                <CardBody className="py-2">
                  <ol className="relative">
                    {group.entries.map((entry, index) => (
                      <ActivityItem key={entry.id} entry={entry} names={names} orgId={org.id} last={index === group.entries.length - 1} />
                    ))}
                  </ol>
                </CardBody>
              </Card>
            </section>
          ))}
          {audit.hasNextPage ? (
            <div className="flex justify-center">
              <Button variant="secondary" loading={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()} data-testid="activity-more">
                Show older activity
              </Button>
            </div>
          ) : null}
          {audit.isFetchNextPageError ? <Alert tone="error">{describeError(audit.error)}</Alert> : null}
        </div>
      )}
    </>
  );
}

function ActivityItem({ entry, names, orgId, last }: { entry: AuditEntry; names: ReadonlyMap<string, string>; orgId: string; last: boolean }) {
  const { verb, target, details, link, permalink } = describeEntry(entry, names, orgId);
  const Icon = ICONS[entry.subjectType] ?? ICONS[entry.action.split('.')[0] ?? ''] ?? Activity;
  return (
    <li className="relative flex gap-4 py-3" data-testid="activity-item">
      {!last ? <span className="absolute top-12 -bottom-3 left-[17.5px] w-px bg-zinc-200" aria-hidden /> : null}
      <span className="relative flex size-9 shrink-0 items-center justify-center rounded-full bg-zinc-100 text-zinc-500 ring-4 ring-white">
        <Icon className="size-4" aria-hidden />
      </span>
      <div className="min-w-0 flex-1 pt-1.5">
        <p className="text-sm text-zinc-700">
          <span className="font-medium text-zinc-900">{entry.actor?.name ?? 'Herald'}</span> {verb}
          {target ? (
            <>
              {' '}
              {link ? (
                <Link to={link} className="font-medium text-brand-700 underline-offset-2 hover:underline" data-testid="activity-link">
                  {target}
                </Link>
              ) : (
                <span className="font-medium text-zinc-900">{target}</span>
              )}
            </>
          ) : null}
        </p>
        {details.length > 0 || permalink ? (
          <div className="mt-1.5 flex flex-wrap items-center gap-1.5">
            {details.map((detail) => (
              <Badge key={detail}>{detail}</Badge>
            ))}
            {permalink ? (
              <a href={permalink} target="_blank" rel="noreferrer" className="text-xs font-medium text-brand-700 underline-offset-2 hover:underline" data-testid="activity-permalink">
                View on the platform
              </a>
            ) : null}
          </div>
        ) : null}
      </div>
      <time dateTime={entry.createdAt} title={formatDateTime(entry.createdAt)} className="shrink-0 pt-1.5 text-xs text-zinc-400 tabular-nums">
        {formatTimeWithZone(entry.createdAt, browserTimezone())}
      </time>
    </li>
  );
}
