import { standardSecret } from '@hookdesk/wire';

/** The accepted keys with their Standard Webhooks secrets decoded once. */
export interface KeyRing {
  readonly keys: readonly string[];
  readonly secrets: readonly Buffer[];
}

const rings = new WeakMap<readonly string[], KeyRing>();

// A single key given as a string cannot be a WeakMap key: the last one is remembered instead, so
// `verify(body, headers, 'whsec_…')` does not decode it on every request (a tenth of a small
// delivery's whole verify), and a key that changes keeps memory bounded.
let lastKey: string | undefined;
let lastRing: KeyRing | undefined;

/**
 * Checks and decodes the accepted keys (current first). Throws a `TypeError` naming `keys` when
 * there is none or one is not a `whsec_` key. A list, or the last single key, is decoded once and
 * remembered.
 */
export function keyRing(keys: string | readonly string[] | KeyRing): KeyRing {
  if (typeof keys === 'object' && 'secrets' in keys) return keys;
  if (typeof keys === 'string') {
    if (keys !== lastKey || lastRing === undefined) {
      lastRing = buildRing([keys]);
      lastKey = keys;
    }
    return lastRing;
  }
  const known = rings.get(keys);
  if (known) return known;
  const ring = buildRing(keys);
  rings.set(keys, ring);
  return ring;
}

function buildRing(keys: readonly string[]): KeyRing {
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new TypeError(
      '`keys` must hold at least one key: the current `whsec_…` key of the webhook or account.',
    );
  }
  const secrets = keys.map((key, index) => {
    if (typeof key !== 'string') throw new TypeError(`\`keys[${index}]\` must be a string \`whsec_…\` key.`);
    try {
      return standardSecret(key);
    } catch (error) {
      throw new TypeError(`\`keys[${index}]\` is not a Hookdesk key: ${(error as Error).message}`);
    }
  });
  return { keys: [...keys], secrets };
}
