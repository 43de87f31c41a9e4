/** One entry of a `ValidationError`'s `details`: which field, and what is wrong with it. */
export interface ValidationDetail {
  /** Dotted path of the offending field, e.g. `headers.host`; empty for the whole input. */
  path: string;
  message: string;
}

/** Base class: every Hookdesk error carries a stable `code` and the HTTP `status` an adapter answers with. */
export class HookdeskError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(message: string, code: string, status: number, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
  }
}

/** Input that is well-formed but breaks a rule (bad URL, unknown event, private address): 422. */
export class ValidationError extends HookdeskError {
  readonly details: ValidationDetail[];

  constructor(message: string, details: ValidationDetail[] = [], options?: ErrorOptions) {
    super(message, 'validation_failed', 422, options);
    this.details = details;
  }
}

/** An id or uuid that does not exist: 404. */
export class NotFoundError extends HookdeskError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'not_found', 404, options);
  }
}

/** The request cannot run in the current state, e.g. a resend while the global switch is off: 409. */
export class ConflictError extends HookdeskError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'conflict', 409, options);
  }
}
