import { describeWithService, REDIS_URL } from '@hookdesk/test-support';
import { describe, it } from 'vitest';
import { CLAIM_PROCESSES, CLAIM_TICKETS, claimFromSeveralProcesses } from './several-processes-claims.js';

const describeRedis = await describeWithService('redis', describe);

describeRedis('several processes claiming smart-rule firings on one Redis store', () => {
  it(`lets exactly one of ${CLAIM_PROCESSES} processes win each of ${CLAIM_TICKETS} tickets`, async () => {
    await claimFromSeveralProcesses(REDIS_URL);
  }, 60_000);
});
