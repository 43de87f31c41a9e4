import { NotFoundError, ValidationError } from '@hookdesk/core';
import { describe, expect, it } from 'vitest';
import { urgent } from './support/rule-fixtures.js';
import { harness } from './support/setup.js';

describe('smart rules: admin methods', () => {
  it('creates, reads, lists, edits and deletes rules in the docs/admin-api.md shape', async () => {
    const { rules, clock } = await harness();
    const created = await rules.create({
      name: '  Urgent tickets ',
      conditions: urgent,
      action: { type: 'trigger_webhook', url: 'https://example.com/rules' },
    });
    expect(Object.keys(created).sort()).toEqual(
      [
        'action',
        'active',
        'categories',
        'conditions',
        'createdAt',
        'description',
        'id',
        'name',
        'updatedAt',
        'workSchedule',
      ].sort(),
    );
    expect(created).toMatchObject({
      name: 'Urgent tickets',
      description: null,
      active: true,
      categories: [],
      workSchedule: null,
      conditions: urgent,
      action: { type: 'trigger_webhook', url: 'https://example.com/rules' },
      createdAt: '2026-11-28T08:00:00.000Z',
    });
    expect(await rules.get(created.id)).toEqual(created);
    expect(await rules.list()).toEqual([created]);

    await clock.advance(1000);
    const schedule = { timeZone: 'Europe/Berlin', hours: { mon: [['09:00', '17:00']] } };
    const edited = await rules.update(created.id, { active: false, workSchedule: schedule });
    expect(edited).toMatchObject({ active: false, name: 'Urgent tickets', createdAt: created.createdAt });
    expect(edited.updatedAt).toBe('2026-11-28T08:00:01.000Z');
    expect(edited.workSchedule).toMatchObject({ timeZone: 'Europe/Berlin', holidays: [] });
    // null is a value (around the clock), not "leave as it is".
    expect((await rules.update(created.id, { workSchedule: null })).workSchedule).toBeNull();

    await rules.delete(created.id);
    expect(await rules.list()).toEqual([]);
    await expect(rules.get(created.id)).rejects.toThrow(NotFoundError);
    await expect(rules.get(created.id)).rejects.toThrow(/No smart rule has the id/);
    await expect(rules.update(created.id, { active: true })).rejects.toThrow(NotFoundError);
    await expect(rules.delete(created.id)).rejects.toThrow(NotFoundError);
    await expect(rules.preview('nope')).rejects.toThrow(NotFoundError);
  });

  it('refuses invalid bodies and private action URLs with a 422 ValidationError', async () => {
    const { rules } = await harness();
    const invalid = await rules
      .create({ name: 'x', conditions: { all: [] }, action: { type: 'email', url: 'x' } })
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ValidationError);
    expect((invalid as ValidationError).status).toBe(422);
    const blocked = await rules
      .create({
        name: 'x',
        conditions: urgent,
        action: { type: 'trigger_webhook', url: 'http://10.1.2.3/hook' },
      })
      .catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(ValidationError);
    expect((blocked as ValidationError).message).toMatch(/private or local addresses.*allowPrivateNetworks/);
    expect((blocked as ValidationError).details).toEqual([
      { path: 'action.url', message: expect.any(String) },
    ]);
    const rule = await rules.create({
      name: 'ok',
      conditions: urgent,
      action: { type: 'trigger_webhook', url: 'https://example.com/a' },
    });
    await expect(
      rules.update(rule.id, { action: { type: 'trigger_webhook', url: 'http://192.168.0.1/' } }),
    ).rejects.toThrow(ValidationError);
    await expect(rules.update(rule.id, { colour: 'red' })).rejects.toThrow(/not a smart-rule field/);
    expect(await rules.get(rule.id)).toEqual(rule);
  });
});
