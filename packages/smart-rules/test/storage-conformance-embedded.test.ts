import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStorage } from '@hookdesk/storage';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { smartRuleStorageSuite } from './conformance/smart-rule-storage-conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'hookdesk-lmdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A fresh database directory per test: nothing leaks from one case into the next.
smartRuleStorageSuite(
  { describe, it, expect, beforeEach, afterEach },
  () => createStorage({ path: join(dir, randomUUID()) }),
  { name: 'embedded lmdb store' },
);
