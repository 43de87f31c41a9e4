import { randomUUID } from 'node:crypto';
import { createStorage } from '@hookdesk/storage';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { smartRuleStorageSuite } from './conformance/smart-rule-storage-conformance.js';

smartRuleStorageSuite(
  { describe, it, expect, beforeEach, afterEach },
  () => createStorage({ store: 'memory', namespace: `t-${randomUUID()}` }),
  { name: 'in-memory Keyv' },
);
