import type { RecordStore } from './record-store.js';
import type { SettingsRecord } from './records.js';
import type { SettingsRepository } from './repositories.js';
import { settingsSchema } from './schemas.js';
import { STORAGE_KEYS } from './storage-keys.js';
import { validInput } from './valid-input.js';

export function settingsRepository(records: RecordStore): SettingsRepository {
  const key = STORAGE_KEYS.settings();
  return {
    get: () => records.read(key, settingsSchema) as Promise<SettingsRecord | undefined>,
    async put(settings) {
      await records.write([{ key, value: validInput(settingsSchema, settings, 'settings') }]);
    },
  };
}
