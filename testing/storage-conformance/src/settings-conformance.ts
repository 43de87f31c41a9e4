import { CorruptRecordError } from '@hookdesk/storage';
import { minutes } from './fixtures.js';
import { KEYS } from './key-layout.js';
import type { StorageContext } from './storage-context.js';

/** The account settings record: read, put, the one-time initialize, corrupt and invalid values. */
export function settingsConformance(ctx: StorageContext): void {
  const { describe, it, expect } = ctx.test;
  describe('settings', () => {
    it('is undefined before the first put, then reads back what was put', async () => {
      expect(await ctx.storage.settings.get()).toBeUndefined();
      const settings = {
        active: true,
        key: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        previousKeys: [{ key: 'whsec_b2xk', validUntil: minutes(60) }],
        updatedAt: minutes(0),
      };
      await ctx.storage.settings.put(settings);
      expect(await ctx.storage.settings.get()).toEqual(settings);
      await ctx.storage.settings.put({ ...settings, active: false, previousKeys: [] });
      expect((await ctx.storage.settings.get())?.active).toBe(false);
    });

    it('initializes once: of racing first starts one key wins for all, even if its writer died', async () => {
      const candidate = (n: number) => ({
        active: true,
        key: `whsec_${String(n).padStart(2, '0')}KQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw`,
        previousKeys: [],
        updatedAt: minutes(0),
      });
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, n) => ctx.storage.settings.initialize(candidate(n))),
      );
      const keys = new Set(results.map((settings) => settings.key));
      expect(keys.size).toBe(1);
      expect((await ctx.storage.settings.get())?.key).toBe(results[0]?.key);
      // The winner died after claiming and before writing: a later start writes the same key.
      await ctx.storage.keyv.delete(KEYS.settings());
      expect((await ctx.storage.settings.initialize(candidate(99))).key).toBe(results[0]?.key);
      expect((await ctx.storage.settings.get())?.key).toBe(results[0]?.key);
      // Settings that exist win over any candidate.
      await ctx.storage.settings.put({ ...candidate(1), active: false });
      expect(await ctx.storage.settings.initialize(candidate(98))).toEqual({
        ...candidate(1),
        active: false,
      });
    });

    it('initialize keeps settings stored before any claim was made', async () => {
      const stored = {
        active: false,
        key: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        previousKeys: [],
        updatedAt: minutes(0),
      };
      await ctx.storage.settings.put(stored);
      const other = { ...stored, active: true, key: 'whsec_00KQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' };
      expect(await ctx.storage.settings.initialize(other)).toEqual(stored);
      expect(await ctx.storage.settings.get()).toEqual(stored);
    });

    it('rejects a corrupt value with a CorruptRecordError naming the key', async () => {
      await ctx.storage.keyv.set(KEYS.settings(), { active: 'yes' });
      const error = await ctx.storage.settings.get().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CorruptRecordError);
      expect((error as CorruptRecordError).code).toBe('corrupt_record');
      expect((error as Error).message).toContain(KEYS.settings());
      expect((error as Error).message).toMatch(/active/);
    });

    it('refuses to write an invalid record', async () => {
      await expect(ctx.storage.settings.put({ active: true } as never)).rejects.toThrow(TypeError);
      expect(await ctx.storage.settings.get()).toBeUndefined();
    });
  });
}
