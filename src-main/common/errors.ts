// Errors that cross the API carry a stable code the UI can act on and a sentence a person can read.

export const ERROR_CODES = [
  'bad-request',
  'unknown-method',
  'invalid-params',
  'unauthorized',
  /** A class-share viewer asked for something only the teacher may do. */
  'forbidden',
  'not-found',
  /** A file is in the way; the request may be repeated with permission to replace it. */
  'already-exists',
  'gone',
  'permission-denied',
  'unavailable',
  'failed',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  message: string;
}

export class ProcscopeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProcscopeError';
  }

  toApiError(): ApiError {
    return { code: this.code, message: this.message };
  }
}

export function isProcscopeError(value: unknown): value is ProcscopeError {
  return value instanceof ProcscopeError;
}
