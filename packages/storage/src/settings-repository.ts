import type { OrderedIndex } from './ordered-index.js';
import type { RecordStore } from './record-store.js';
import type { SettingsRecord } from './records.js';
import type { SettingsRepository } from './repositories.js';
import { settingsSchema } from './schemas.js';
import { INDEX_SETS, STORAGE_KEYS } from './storage-keys.js';
import { validInput } from './valid-input.js';

/** The member of `INDEX_SETS.accountKey` that holds the chosen key. */
const CHOSEN = 'key';

export function settingsRepository(records: RecordStore, index: OrderedIndex): SettingsRepository {
  const key = STORAGE_KEYS.settings();
  const get = () => records.read(key, settingsSchema) as Promise<SettingsRecord | undefined>;
  const put = async (settings: SettingsRecord) => {
    await records.write([{ key, value: validInput(settingsSchema, settings, 'settings') }]);
  };
  return {
    get,
    put,
    async initialize(candidate) {
      validInput(settingsSchema, candidate, 'settings');
      // Settings written before this claim existed (an older version) win as well.
      const before = await get();
      if (before) return before;
      // Keyv has no compare-and-set: the key is chosen by the index's atomic add-if-absent, and
      // the record written after it. A process that lost the race, or finds the winner died before
      // writing, writes the same key itself.
      const won = await index.addIfAbsent(INDEX_SETS.accountKey, CHOSEN, candidate.key);
      if (won) {
        await put(candidate);
        return candidate;
      }
      const existing = await get();
      if (existing) return existing;
      const chosen = await index.memberValue(INDEX_SETS.accountKey, CHOSEN);
      if (chosen === undefined) {
        throw new Error(
          `The account key was claimed without its value in index "${INDEX_SETS.accountKey}": the index does not keep member values (see OrderedIndex.addIfAbsent).`,
        );
      }
      const settings = { ...candidate, key: chosen };
      await put(settings);
      return settings;
    },
  };
}
