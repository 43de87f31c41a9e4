// The in-memory yardstick (issue 13): what the wire contract alone costs per delivery, with no
// storage at all. The body built from the ticket, docs/wire.md's ten headers with their two HMACs
// from @hookdesk/wire's own signer, the request over a keep-alive undici Pool: everything any
// delivery must do, nothing it may skip. Hookdesk in memory can only add to it.
import { randomBytes, randomUUID } from 'node:crypto';
import { signedHeaders } from '@hookdesk/wire';
import { Pool } from 'undici';
import { HOOKDESK_EVENTS, IN_FLIGHT, measureRate, type Rate, type Receiver, TICKET } from './loopback.js';

export async function signedRequest(receiver: Receiver): Promise<Rate> {
  const pool = new Pool(receiver.origin);
  const path = new URL(receiver.url).pathname;
  const key = `whsec_${randomBytes(32).toString('base64')}`;
  const delivery = async (id: number) => {
    const uuid = randomUUID();
    const ticket = JSON.stringify({ ...TICKET, id });
    const text = `{"uuid":"${uuid}","event":"ticket.created","created_at":"${new Date().toISOString()}","ticket":${ticket}}`;
    const body = Buffer.from(text);
    const headers = signedHeaders({
      event: 'ticket.created',
      uuid,
      attempt: 1,
      timestamp: Math.floor(Date.now() / 1000),
      body,
      keys: [key],
      userAgent: 'hookdesk-signed-request',
    });
    const response = await pool.request({ method: 'POST', path, headers, body });
    await response.body.dump();
  };
  const run = async (count: number) => {
    let started = 0;
    const worker = async () => {
      while (started < count) {
        started++;
        await delivery(started);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  };
  try {
    return await measureRate(HOOKDESK_EVENTS, run);
  } finally {
    await pool.close();
  }
}
