import { describeWithService, POSTGRES_URL } from '@hookdesk/test-support';
import { describe, it } from 'vitest';
import { appendFromSeveralProcesses, PER_PROCESS, PROCESSES } from './several-processes.js';

const describePostgres = await describeWithService('postgres', describe);

describePostgres('several processes on one PostgreSQL store', () => {
  it(`lists all ${PROCESSES * PER_PROCESS} entries appended concurrently by ${PROCESSES} processes`, async () => {
    await appendFromSeveralProcesses(POSTGRES_URL);
  }, 60_000);
});
