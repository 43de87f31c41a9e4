import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';

/** The Keyv for HOOKDESK_DEDUP_STORE; the SDK claims through its Redis client with SET NX. */
export function openDedupStore(url: string): { store: Keyv; close: () => Promise<void> } {
  const store = new Keyv(new KeyvRedis(url, { throwOnConnectError: true }), { throwOnErrors: true });
  return { store, close: () => store.disconnect() };
}
