import { describeWithService, REDIS_URL } from '@hookdesk/test-support';
import { describe, it } from 'vitest';
import { appendFromSeveralProcesses, PER_PROCESS, PROCESSES } from './several-processes.js';

const describeRedis = await describeWithService('redis', describe);

describeRedis('several processes on one Redis store', () => {
  it(`lists all ${PROCESSES * PER_PROCESS} entries appended concurrently by ${PROCESSES} processes`, async () => {
    await appendFromSeveralProcesses(REDIS_URL);
  }, 60_000);
});
