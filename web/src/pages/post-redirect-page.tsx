import { useQuery } from '@tanstack/react-query';
import { Navigate, useParams } from 'react-router';
import { ApiError, describeError } from '../api/errors';
import { Alert } from '../components/alert';
import { PageLoader } from '../components/spinner';
import { postQuery } from '../features/posts/queries';
import { NotFoundPanel } from './not-found-page';

/** `/orgs/:orgId/posts/:postId` (links from the activity log): opens the post in its workspace. */
export function PostRedirectPage() {
  const { orgId = '', postId = '' } = useParams();
  const post = useQuery(postQuery(postId));
  if (post.isPending) return <PageLoader />;
  if (post.isError) {
    if (post.error instanceof ApiError && [403, 404].includes(post.error.status)) return <NotFoundPanel title="Post not found" message="It has been deleted since." />;
    return <Alert tone="error">{describeError(post.error)}</Alert>;
  }
  return <Navigate to={`/orgs/${orgId}/workspaces/${post.data.workspaceId}/posts/${post.data.id}`} replace />;
}
