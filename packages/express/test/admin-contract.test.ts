import { adminContractSuite, createContractHookdesk } from '@hookdesk/admin-contract';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expressAppFactory } from './express-app.js';

adminContractSuite({ describe, it, expect, beforeEach, afterEach }, expressAppFactory(express, 'express 5'), {
  createHookdesk: createContractHookdesk,
});
