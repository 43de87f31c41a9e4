import { describe, expect, it } from 'vitest';
import { isJsonContentType } from '../src/content-type.js';

describe('isJsonContentType', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    [' Application/JSON ;charset=UTF-8', true],
    ['application/cloudevents+json', true],
    [undefined, false],
    ['', false],
    ['text/plain', false],
    ['application/jsonx', false],
    ['text/json+', false],
    ['application/x-www-form-urlencoded', false],
  ])('%j is JSON: %s', (value, expected) => {
    expect(isJsonContentType(value)).toBe(expected);
  });
});
