import { AUTH, type ContractContext, M } from './contract-context.js';

/** The global switch and the account key: `/api/settings` and `/api/settings/key`. */
export function settingsContract(ctx: ContractContext): void {
  const { describe, it, expect } = ctx.api;
  const { agent } = ctx;
  describe('settings and key', () => {
    it('shows and flips the global switch', async () => {
      const before = await agent().get(`${M}/api/settings`).set(AUTH);
      expect(before.status).toBe(200);
      expect(before.body).toEqual({ active: true, keyPreview: expect.stringMatching(/^whsec_.{2}…$/) });
      const off = await agent().patch(`${M}/api/settings`).set(AUTH).send({ active: false });
      expect(off.body.active).toBe(false);
      const after = await agent().get(`${M}/api/settings`).set(AUTH);
      expect(after.body.active).toBe(false);
      const invalid = await agent().patch(`${M}/api/settings`).set(AUTH).send({ active: 'no' });
      expect(invalid.status).toBe(422);
    });

    it('reveals and rotates the key', async () => {
      const shown = await agent().get(`${M}/api/settings/key`).set(AUTH);
      expect(shown.body.key).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
      const settings = await agent().get(`${M}/api/settings`).set(AUTH);
      expect(shown.body.key.startsWith(settings.body.keyPreview.slice(0, -1))).toBe(true);
      const rotated = await agent().post(`${M}/api/settings/key/rotate`).set(AUTH);
      expect(rotated.status).toBe(200);
      expect(rotated.body.key).not.toBe(shown.body.key);
      const graceHours = (Date.parse(rotated.body.previousKeyValidUntil) - Date.now()) / 3_600_000;
      expect(graceHours).toBeGreaterThan(23.9);
      expect(graceHours).toBeLessThanOrEqual(24);
      const again = await agent().get(`${M}/api/settings/key`).set(AUTH);
      expect(again.body.key).toBe(rotated.body.key);
    });
  });
}
