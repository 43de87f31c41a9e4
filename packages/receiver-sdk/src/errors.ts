/** Why a request was refused, each with the HTTP status the framework helpers answer. */
export const VERIFICATION_ERROR_STATUS = {
  missing_signature: 401,
  bad_signature: 401,
  sha1_only_refused: 401,
  stale_timestamp: 401,
  malformed_body: 400,
  body_too_large: 413,
  body_timeout: 408,
  unsupported_media_type: 415,
  method_not_allowed: 405,
  raw_body_unavailable: 500,
} as const;

export type VerificationErrorCode = keyof typeof VERIFICATION_ERROR_STATUS;

/**
 * A request that is not a valid Hookdesk delivery, or a receiver set up so that it cannot check one.
 * `code` says why, `status` is the HTTP status to answer, `message` says what to do.
 */
export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
  readonly code: VerificationErrorCode;
  readonly status: number;

  constructor(code: VerificationErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = VERIFICATION_ERROR_STATUS[code];
  }
}
