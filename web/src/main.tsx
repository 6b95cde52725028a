import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { ApiError } from './api/errors';
import { sessionStore } from './api/session-store';
import { router } from './app/router';
import { ToastProvider } from './components/toast';
import { restoreSession } from './features/session/session';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      // A 4xx will not change by asking again; network blips and 5xx get two more tries.
      retry: (failures, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
    },
  },
});

// When a session ends (logout, or a refresh the server refused) nothing of the last user stays cached.
let lastStatus = sessionStore.get().status;
sessionStore.subscribe(() => {
  const { status } = sessionStore.get();
  if (status === 'signedOut' && lastStatus === 'signedIn') {
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'auth-config' });
  }
  lastStatus = status;
});

void restoreSession();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>
  </StrictMode>,
);
