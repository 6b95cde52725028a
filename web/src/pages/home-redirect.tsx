import { Navigate } from 'react-router';
import { describeError } from '../api/errors';
import { Alert } from '../components/alert';
import { PageLoader } from '../components/spinner';
import { useMe } from '../features/session/session';
import { prefs } from '../lib/prefs';

/** `/`: the organization you were last in, your first one, or onboarding when you have none. */
export function HomeRedirect() {
  const me = useMe();
  if (me.isPending) return <PageLoader />;
  if (me.isError) {
    return (
      <div className="mx-auto max-w-md p-10">
        <Alert tone="error">{describeError(me.error)}</Alert>
      </div>
    );
  }
  const memberships = me.data.memberships;
  if (memberships.length === 0) return <Navigate to="/orgs/new" replace />;
  const last = prefs.lastOrgId();
  const target = memberships.find((m) => m.organization.id === last) ?? memberships[0];
  return <Navigate to={`/orgs/${target?.organization.id ?? ''}`} replace />;
}
