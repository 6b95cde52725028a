import { useNavigate } from 'react-router';
import { CreateOrgForm } from '../features/orgs/create-org-form';
import { useLogOut, useMe } from '../features/session/session';
import { AuthLayout } from '../layouts/auth-layout';

/** Onboarding for someone who belongs to no organization yet (or wants another one). */
export function CreateFirstOrgPage() {
  const me = useMe();
  const logOut = useLogOut();
  const navigate = useNavigate();
  const hasOrgs = (me.data?.memberships.length ?? 0) > 0;

  return (
    <AuthLayout
      title={hasOrgs ? 'Create an organization' : 'Create your organization'}
      subtitle="An organization is your company or agency. It holds your brands (workspaces) and your team. You’ll be its owner."
      footer={
        me.data ? (
          <>
            Signed in as <span className="font-medium text-zinc-700">{me.data.user.email}</span> ·{' '}
            <button type="button" className="font-medium text-brand-700 hover:text-brand-800" onClick={() => void logOut().then(() => navigate('/login', { replace: true }))} data-testid="logout">
              Log out
            </button>
          </>
        ) : null
      }
    >
      <CreateOrgForm onCancel={hasOrgs ? () => void navigate(-1) : undefined} wide={!hasOrgs} />
    </AuthLayout>
  );
}
