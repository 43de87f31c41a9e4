import type { Keyv } from 'keyv';
import type { z } from 'zod';
import { CorruptRecordError, storageFailure } from './errors.js';
import { UnreadableValue } from './json-serializer.js';
import { passesQuickCheck } from './record-checks.js';
import { describeIssues } from './schemas.js';

/**
 * Typed, validated access to the Keyv store: every value is checked against its schema on read
 * (a bad one is a `CorruptRecordError` naming the key) and every store error becomes a
 * `StorageError`, never `undefined`.
 */
export class RecordStore {
  constructor(
    readonly keyv: Keyv,
    /** For messages: which backend, e.g. `redis at 127.0.0.1:6379`. */
    readonly backend: string,
  ) {}

  /** The key as the store sees it, for error messages. */
  fullKey(key: string): string {
    return this.keyv.namespace ? `${this.keyv.namespace}:${key}` : key;
  }

  async read<T>(key: string, schema: z.ZodType<T>): Promise<T | undefined> {
    let value: unknown;
    try {
      value = await this.keyv.get(key);
    } catch (error) {
      throw storageFailure(this.backend, `reading "${this.fullKey(key)}"`, error);
    }
    return value === undefined ? undefined : this.check(key, value, schema);
  }

  /** The raw values of `keys` (at least one), an outage surfacing as a `StorageError`. */
  async #fetchMany(keys: readonly string[]): Promise<unknown[]> {
    try {
      return await this.keyv.getMany([...keys]);
    } catch (error) {
      throw storageFailure(
        this.backend,
        `reading ${keys.length} keys ("${this.fullKey(keys[0]!)}", …)`,
        error,
      );
    }
  }

  async readMany<T>(keys: readonly string[], schema: z.ZodType<T>): Promise<(T | undefined)[]> {
    if (keys.length === 0) return [];
    const values = await this.#fetchMany(keys);
    return values.map((value, at) =>
      value === undefined ? undefined : this.check(keys[at]!, value, schema),
    );
  }

  /** Like `readMany`, but a corrupt value comes back as its error instead of failing the batch. */
  async readManySettled<T>(
    keys: readonly string[],
    schema: z.ZodType<T>,
  ): Promise<(T | undefined | CorruptRecordError)[]> {
    if (keys.length === 0) return [];
    const values = await this.#fetchMany(keys);
    return values.map((value, at) => {
      if (value === undefined) return undefined;
      try {
        return this.check(keys[at]!, value, schema);
      } catch (error) {
        if (error instanceof CorruptRecordError) return error;
        throw error;
      }
    });
  }

  check<T>(key: string, value: unknown, schema: z.ZodType<T>): T {
    if (value instanceof UnreadableValue) throw new CorruptRecordError(this.fullKey(key), value.problem);
    if (passesQuickCheck(schema, value)) return value as T;
    const result = schema.safeParse(value);
    if (!result.success) throw new CorruptRecordError(this.fullKey(key), describeIssues(result.error));
    return result.data;
  }

  async write(entries: readonly { key: string; value: unknown }[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      const results =
        entries.length === 1
          ? [await this.keyv.set(entries[0]!.key, entries[0]!.value)]
          : await this.keyv.setMany(entries.map(({ key, value }) => ({ key, value })));
      // Some adapters report failure as `false` instead of throwing.
      if (Array.isArray(results) && results.some((ok) => ok === false))
        throw new Error('the store refused the write');
    } catch (error) {
      throw storageFailure(this.backend, `writing "${this.fullKey(entries[0]!.key)}"`, error);
    }
  }

  /** `false` when the key did not exist. */
  async remove(key: string): Promise<boolean> {
    try {
      return await this.keyv.delete(key);
    } catch (error) {
      throw storageFailure(this.backend, `deleting "${this.fullKey(key)}"`, error);
    }
  }

  async removeMany(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    try {
      await this.keyv.deleteMany([...keys]);
    } catch (error) {
      throw storageFailure(
        this.backend,
        `deleting ${keys.length} keys ("${this.fullKey(keys[0]!)}", …)`,
        error,
      );
    }
  }
}
