/**
 * Quick checks run before a form is sent, so obvious slips are shown beside the field at once.
 * The server remains the judge: its `validation_failed` field messages appear in the same places.
 */
export const MIN_PASSWORD_LENGTH = 10;

type Check = string | null | false | undefined;

/** Keeps the first failed check per field. */
export function collect<Name extends string>(checks: Partial<Record<Name, Check[]>>): Partial<Record<Name, string>> {
  const errors: Partial<Record<Name, string>> = {};
  for (const name of Object.keys(checks) as Name[]) {
    const first = checks[name]?.find((check): check is string => typeof check === 'string' && check !== '');
    if (first) errors[name] = first;
  }
  return errors;
}

export const hasErrors = (errors: object) => Object.keys(errors).length > 0;

export const required = (value: string, message: string): Check => value.trim() === '' && message;

export const email = (value: string): Check => value.trim() !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim()) && 'Enter a valid email address, like name@example.com.';

export const password = (value: string): Check =>
  value.length < MIN_PASSWORD_LENGTH && (value.length === 0 ? 'Choose a password.' : `Use at least ${MIN_PASSWORD_LENGTH} characters (${MIN_PASSWORD_LENGTH - value.length} more).`);

/** Moves focus to the first field marked invalid once the errors have rendered. */
export function focusFirstInvalid(form: HTMLFormElement): void {
  window.setTimeout(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
}
