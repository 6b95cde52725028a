import { createBrowserRouter, Navigate } from 'react-router';
import { PageLoader } from '../components/spinner';
import { OrgScope } from '../features/orgs/org-scope';
import { AppGate, GuestOnly, RequireAuth } from '../features/session/guards';
import { WorkspaceScope } from '../features/workspaces/workspace-scope';
import { AppShell } from '../layouts/app-shell';
import { ActivityPage } from '../pages/activity-page';
import { CreateFirstOrgPage } from '../pages/create-first-org-page';
import { ForgotPasswordPage } from '../pages/forgot-password-page';
import { HomeRedirect } from '../pages/home-redirect';
import { InvitePage } from '../pages/invite-page';
import { LoginPage } from '../pages/login-page';
import { MembersPage } from '../pages/members-page';
import { NotFoundPage } from '../pages/not-found-page';
import { OrgHomePage } from '../pages/org-home-page';
import { OrgSettingsPage } from '../pages/org-settings-page';
import { ProfilePage } from '../pages/profile-page';
import { RegisterPage } from '../pages/register-page';
import { ResetPasswordPage } from '../pages/reset-password-page';
import { SetupPage } from '../pages/setup-page';
import { VerifyEmailPage } from '../pages/verify-email-page';
import { WorkspaceSettingsPage } from '../pages/workspace-settings-page';
import { RouteError } from './route-error';

// The publishing pages load on first visit, keeping the first download small.
const calendar = () => import('../pages/calendar-page').then((m) => ({ Component: m.CalendarPage }));
const compose = () => import('../pages/compose-page').then((m) => ({ Component: m.ComposePage }));
const editPost = () => import('../pages/compose-page').then((m) => ({ Component: m.EditPostPage }));
const posts = () => import('../pages/posts-page').then((m) => ({ Component: m.PostsPage }));
const postRedirect = () => import('../pages/post-redirect-page').then((m) => ({ Component: m.PostRedirectPage }));
const postDetail = () => import('../pages/post-detail-page').then((m) => ({ Component: m.PostDetailPage }));
const channels = () => import('../pages/channels-page').then((m) => ({ Component: m.ChannelsPage }));
const media = () => import('../pages/media-page').then((m) => ({ Component: m.MediaPage }));
const sandboxFeed = () => import('../pages/sandbox-feed-page').then((m) => ({ Component: m.SandboxFeedPage }));
const connection = () => import('../pages/connection-page').then((m) => ({ Component: m.ConnectionPage }));
const connectionFailed = () => import('../pages/connection-page').then((m) => ({ Component: m.ConnectionFailedPage }));

/**
 * Every address of the dashboard. Workspace features (calendar, compose, posts, channels, media; later
 * analytics) are children of `workspaces/:workspaceId` and entries of the sidebar's workspace section.
 */
export const router = createBrowserRouter([
  {
    element: <AppGate />,
    errorElement: <RouteError />,
    // Shown while a lazily loaded page's code arrives on a first visit.
    hydrateFallbackElement: (
      <div className="flex min-h-dvh items-center justify-center">
        <PageLoader label="Starting Herald" />
      </div>
    ),
    children: [
      { path: 'setup', element: <SetupPage /> },
      {
        element: <GuestOnly />,
        children: [
          { path: 'login', element: <LoginPage /> },
          { path: 'register', element: <RegisterPage /> },
          { path: 'forgot-password', element: <ForgotPasswordPage /> },
        ],
      },
      { path: 'reset-password', element: <ResetPasswordPage /> },
      { path: 'invite/:token', element: <InvitePage /> },
      {
        element: <RequireAuth />,
        children: [
          { index: true, element: <HomeRedirect /> },
          { path: 'orgs/new', element: <CreateFirstOrgPage /> },
          { path: 'verify-email', element: <VerifyEmailPage /> },
          {
            element: <AppShell />,
            children: [
              { path: 'profile', element: <ProfilePage /> },
              // The permalink the sandbox gives published posts: `${publicUrl}/sandbox/<channelId>#<postId>`.
              { path: 'sandbox/:channelId', lazy: sandboxFeed },
              // Where a platform's sign-in comes back to (the server's OAuth callback redirects here).
              { path: 'connections/failed', lazy: connectionFailed },
              { path: 'connections/:connectionId', lazy: connection },
              {
                path: 'orgs/:orgId',
                element: <OrgScope />,
                children: [
                  { index: true, element: <OrgHomePage /> },
                  { path: 'members', element: <MembersPage /> },
                  { path: 'activity', element: <ActivityPage /> },
                  { path: 'posts/:postId', lazy: postRedirect },
                  { path: 'settings', element: <OrgSettingsPage /> },
                  {
                    path: 'workspaces/:workspaceId',
                    element: <WorkspaceScope />,
                    children: [
                      { index: true, element: <Navigate to="calendar" replace /> },
                      { path: 'calendar', lazy: calendar },
                      { path: 'compose', lazy: compose },
                      { path: 'posts', lazy: posts },
                      { path: 'posts/:postId', lazy: postDetail },
                      { path: 'posts/:postId/edit', lazy: editPost },
                      { path: 'channels', lazy: channels },
                      { path: 'media', lazy: media },
                      { path: 'settings', element: <WorkspaceSettingsPage /> },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
