import { buttonClasses } from '../../components/button';
import { withParams } from '../../lib/return-to';

function GoogleMark() {
  return (
    <svg viewBox="0 0 24 24" className="size-4" aria-hidden fill="none" strokeWidth="3.2">
      <path d="M4.48 9.26A8 8 0 0 1 18.13 6.86" stroke="#EA4335" />
      <path d="M5.07 16A8 8 0 0 1 4.48 9.26" stroke="#FBBC05" />
      <path d="M18.13 17.14A8 8 0 0 1 5.07 16" stroke="#34A853" />
      <path d="M20 12a8 8 0 0 1-1.87 5.14M12.5 12H20" stroke="#4285F4" />
    </svg>
  );
}

/** Starts Google sign-in with a full navigation (the server redirects to Google and back). */
export function GoogleButton({ returnTo }: { returnTo: string }) {
  return (
    <a href={withParams('/api/v1/auth/google/start', { returnTo })} className={buttonClasses('secondary', 'lg', 'w-full')} data-testid="google-signin">
      <GoogleMark />
      Continue with Google
    </a>
  );
}
