import { describeWithService, POSTGRES_URL } from '@hookdesk/test-support';
import { describe, it } from 'vitest';
import { CLAIM_PROCESSES, CLAIM_TICKETS, claimFromSeveralProcesses } from './several-processes-claims.js';

const describePostgres = await describeWithService('postgres', describe);

describePostgres('several processes claiming smart-rule firings on one PostgreSQL store', () => {
  it(`lets exactly one of ${CLAIM_PROCESSES} processes win each of ${CLAIM_TICKETS} tickets`, async () => {
    await claimFromSeveralProcesses(POSTGRES_URL);
  }, 60_000);
});
