// Domain outcomes that are not success, named by what they mean; the HTTP
// layer maps each kind to its status (403, 404, 409, 422, 503).
export type DomainErrorKind = 'forbidden' | 'not-found' | 'conflict' | 'unprocessable' | 'unavailable';

export class DomainError extends Error {
  readonly kind: DomainErrorKind;
  /** A stable code clients can branch on, e.g. WINDOW_CLOSED. */
  readonly code: string;
  readonly details?: Record<string, unknown>;

  constructor(kind: DomainErrorKind, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.kind = kind;
    this.code = code;
    this.details = details;
  }
}

export const forbidden = (code: string, message: string, details?: Record<string, unknown>) => new DomainError('forbidden', code, message, details);
export const notFound = (code: string, message: string, details?: Record<string, unknown>) => new DomainError('not-found', code, message, details);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) => new DomainError('conflict', code, message, details);
export const unprocessable = (code: string, message: string, details?: Record<string, unknown>) => new DomainError('unprocessable', code, message, details);
/** Something the request needs cannot be served now (not the caller's fault, nor a fault to log as one): retry later. */
export const unavailable = (code: string, message: string, details?: Record<string, unknown>) => new DomainError('unavailable', code, message, details);
