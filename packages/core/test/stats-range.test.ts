import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { statsRange } from '../src/stats-range.js';

const NOW = Date.parse('2026-11-28T08:20:00.000Z');

describe('statsRange', () => {
  it.each([
    [{}, '2026-11-27T09:00:00.000Z', '2026-11-28T09:00:00.000Z'],
    [{ until: '2026-11-28T06:00:00Z' }, '2026-11-27T06:00:00.000Z', '2026-11-28T06:00:00.000Z'],
    [{ since: '2026-11-28T07:30:00Z' }, '2026-11-28T07:30:00.000Z', '2026-11-28T09:00:00.000Z'],
    [
      { since: '2026-11-01T00:00:00+01:00', until: '2026-11-02T00:00:00Z' },
      '2026-10-31T23:00:00.000Z',
      '2026-11-02T00:00:00.000Z',
    ],
    // 744 hours exactly, the most one answer holds.
    [
      { since: '2026-11-01T00:00:00Z', until: '2026-12-02T00:00:00Z' },
      '2026-11-01T00:00:00.000Z',
      '2026-12-02T00:00:00.000Z',
    ],
  ])('%j at 08:20 counts from %s to %s', (request, since, until) => {
    expect(statsRange(request, NOW)).toEqual({ since, until });
  });

  it('defaults to the 24 hours ending with the current one, also right on the hour', () => {
    expect(statsRange({}, Date.parse('2026-11-28T08:00:00.000Z'))).toEqual({
      since: '2026-11-27T09:00:00.000Z',
      until: '2026-11-28T09:00:00.000Z',
    });
  });

  it.each([
    [{ since: '2026-11-28T08:00:00Z', until: '2026-11-28T08:00:00Z' }, 'since', /before until/],
    [{ since: '2026-11-28T09:00:00Z', until: '2026-11-28T08:00:00Z' }, 'since', /before until/],
    [{ since: '2026-11-01T00:00:00Z', until: '2026-12-02T00:00:01Z' }, 'since', /745 hours.*at most 744/],
    [{ since: '2020-01-01T00:00:00Z' }, 'since', /hours.*31 days/],
    [{ since: 'yesterday' }, 'since', /ISO 8601/],
    [{ until: '1969-12-31T00:00:00Z' }, 'until', /from 1970 to 2285/],
    [{ since: '2299-01-01T00:00:00Z', until: '2299-01-02T00:00:00Z' }, 'since', /from 1970 to 2285/],
  ])('refuses %j, naming %s', (request, path, message) => {
    const error = (() => {
      try {
        statsRange(request, NOW);
      } catch (caught) {
        return caught;
      }
    })() as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details).toEqual([{ path, message: expect.stringMatching(message) }]);
  });
});
