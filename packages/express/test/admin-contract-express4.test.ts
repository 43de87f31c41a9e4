import { adminContractSuite, createContractHookdesk } from '@hookdesk/admin-contract';
import express4 from 'express4';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expressAppFactory } from './express-app.js';

adminContractSuite(
  { describe, it, expect, beforeEach, afterEach },
  expressAppFactory(express4 as never, 'express 4'),
  { createHookdesk: createContractHookdesk },
);
