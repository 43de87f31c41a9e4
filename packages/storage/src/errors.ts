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

/** Wraps whatever a store or its client threw into a `StorageError` that says what failed where. */
export function storageFailure(
  backend: string,
  operation: string,
  cause: unknown,
): StorageError | CorruptRecordError {
  if (cause instanceof StorageError || cause instanceof CorruptRecordError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new StorageError(
    `Storage unavailable: ${operation} failed on ${backend}: ${reason}. ` +
      'Check that the store is running and reachable; the operation can be retried.',
    { cause },
  );
}
