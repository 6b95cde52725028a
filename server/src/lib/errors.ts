/**
 * Errors that reach the HTTP boundary as `{error: {code, message, details?}}`.
 * Services throw these; the app's error handler turns them into responses.
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (code: string, message: string, details?: unknown) => new AppError(400, code, message, details);
export const validationFailed = (message: string, fields: Record<string, string>) =>
  new AppError(400, 'validation_failed', message, { fields });
export const unauthorized = (message = 'Authentication required', code = 'unauthorized') => new AppError(401, code, message);
export const forbidden = (message = 'You do not have permission to do this', details?: unknown) =>
  new AppError(403, 'forbidden', message, details);
export const notFound = (what = 'Resource') => new AppError(404, 'not_found', `${what} not found`);
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);
export const gone = (code: string, message: string) => new AppError(410, code, message);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new AppError(429, 'rate_limited', `Too many attempts. Try again in ${retryAfterSeconds} s.`, { retryAfterSeconds }, {
    'retry-after': String(retryAfterSeconds),
  });
