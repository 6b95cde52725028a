import { useQuery } from '@tanstack/react-query';
import { useParams, useSearchParams } from 'react-router';
import { ApiError, describeError } from '../api/errors';
import { Alert } from '../components/alert';
import { PageHeader } from '../components/page-header';
import { PageLoader } from '../components/spinner';
import { useCurrentOrg } from '../features/orgs/org-context';
import { Composer } from '../features/posts/composer';
import { postQuery } from '../features/posts/queries';
import { useCurrentWorkspace } from '../features/workspaces/workspace-context';
import { NotFoundPanel } from './not-found-page';

const READ_ONLY = { title: 'Your role can’t write posts', message: 'Viewers and analysts can see posts but not create or change them. Ask an owner or admin for editor access.' };

/** A new post (`compose?date=YYYY-MM-DD` prefills the day, e.g. from the calendar's "+"). */
export function ComposePage() {
  const workspace = useCurrentWorkspace();
  const { org, can } = useCurrentOrg();
  const [params] = useSearchParams();
  const date = params.get('date');
  const time = params.get('time');
  if (!can('posts.write')) return <NotFoundPanel {...READ_ONLY} />;
  return (
    <>
      <PageHeader eyebrow={workspace.name} title="New post" description="Write it once, tailor it per channel, then schedule it, queue it or publish it now." />
      <Composer key={`${date ?? ''}|${time ?? ''}`} workspace={workspace} orgId={org.id} initialDate={date} initialTime={time} />
    </>
  );
}

/** The composer opened on an existing draft or scheduled post. */
export function EditPostPage() {
  const workspace = useCurrentWorkspace();
  const { org, can } = useCurrentOrg();
  const { postId = '' } = useParams();
  const post = useQuery(postQuery(postId));
  if (!can('posts.write')) return <NotFoundPanel {...READ_ONLY} />;
  if (post.isPending) return <PageLoader />;
  if (post.isError) {
    if (post.error instanceof ApiError && [403, 404].includes(post.error.status)) return <NotFoundPanel title="Post not found" message="It may have been deleted." />;
    return <Alert tone="error">{describeError(post.error)}</Alert>;
  }
  if (post.data.workspaceId !== workspace.id) return <NotFoundPanel title="Post not found" message="It belongs to another workspace." />;
  return (
    <>
      <PageHeader eyebrow={workspace.name} title="Edit post" description={post.data.status === 'scheduled' ? 'Saving keeps its scheduled time unless you pick a new one.' : undefined} />
      <Composer key={post.data.id} workspace={workspace} orgId={org.id} post={post.data} />
    </>
  );
}
