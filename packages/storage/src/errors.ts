/**
 * The store could not be reached or refused an operation. Never a "not found" in disguise:
 * Keyv turns store errors into misses, Hookdesk turns them back into this error.
 */
export class StorageError extends Error {
  readonly code = 'storage_unavailable';
  readonly status = 503;
  override readonly name = 'StorageError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A stored value failed validation on read. The message names the key so it can be repaired or deleted. */
export class CorruptRecordError extends Error {
  readonly code = 'corrupt_record';
  readonly status = 500;
  override readonly name = 'CorruptRecordError';
  /** The store key (namespace included) that holds the bad value. */
  readonly key: string;

  constructor(key: string, problem: string) {
    super(
      `The value stored at key "${key}" is corrupt (${problem}). Hookdesk will not use it: ` +
        'restore it from a backup or delete the key.',
    );
    this.key = key;
  }
}

/** A log cursor that this storage did not produce (edited, truncated, or from another version). */
export class InvalidCursorError extends Error {
  readonly code = 'invalid_cursor';
  readonly status = 400;
  override readonly name = 'InvalidCursorError';

  constructor(cursor: string) {
    super(
      `The log cursor "${cursor.slice(0, 80)}" is not valid. Pass the \`nextCursor\` of the previous page ` +
        'unchanged, or leave `cursor` out to start from the newest entry.',
    );
  }
}

/** `recordAttempt`/`setStatus` on a delivery that is not in the log. */
export class RecordNotFoundError extends Error {
  readonly code = 'not_found';
  readonly status = 404;
  override readonly name = 'RecordNotFoundError';

  constructor(what: string) {
    super(`${what} was not found in the storage; it may have been purged by retention or never created.`);
  }
}

// lmdb's answer to a key over its 1,978-byte limit: the caller's input, not an outage.
// (lmdb words it two ways, depending on the call).
const KEY_TOO_LARGE = /key size is larger than the maximum key size|key of size \d+ was too large/i;

// Operations name the key they touched, and keys hold ids from the caller: never log one in full.
function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

/**
 * Wraps whatever a store or its client threw into a `StorageError` that says what failed where; a
 * key the store refuses for its size is a `TypeError` (a bug in the caller, who must bound ids),
 * not an outage to retry.
 */
export function storageFailure(
  backend: string,
  operation: string,
  cause: unknown,
): StorageError | CorruptRecordError | TypeError {
  if (cause instanceof StorageError || cause instanceof CorruptRecordError) return cause;
  const reason = clip(cause instanceof Error ? cause.message : String(cause));
  if (KEY_TOO_LARGE.test(reason)) {
    return new TypeError(
      `${clip(operation)} on ${backend} used a key longer than the store allows (${reason}). ` +
        'An id that long came from outside: bound ids before they reach storage.',
      { cause },
    );
  }
  return new StorageError(
    `Storage unavailable: ${clip(operation)} failed on ${backend}: ${reason}. ` +
      'Check that the store is running and reachable; the operation can be retried.',
    { cause },
  );
}
