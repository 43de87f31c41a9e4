/**
 * The `"memory"` store: Keyv's values kept as objects, not as JSON text (no serialization on the
 * hot path), frozen as they are stored so that no reader or writer can change a stored value
 * behind the store's back: a stray mutation throws instead of silently rewriting the record.
 */
export class MemoryStore extends Map<unknown, unknown> {
  override set(key: unknown, value: unknown): this {
    return super.set(key, deepFreeze(value));
  }

  /** Keyv's iterator deserializes only text: its entries with each value as JSON. */
  async *textEntries(): AsyncGenerator<[unknown, string], void> {
    for (const [key, value] of this.entries()) yield [key, JSON.stringify(value)];
  }
}

function deepFreeze(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}
