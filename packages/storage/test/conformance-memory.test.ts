import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storageConformanceSuite } from '../../test-kit/src/storage-conformance.js';
import { createStorage } from '../src/index.js';

storageConformanceSuite(
  { describe, it, expect, beforeEach, afterEach },
  () => createStorage({ store: 'memory', namespace: `t-${randomUUID()}` }),
  { name: 'in-memory Keyv' },
);
