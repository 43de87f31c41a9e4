export type { ClaimResult, DedupStore } from './dedup-store.js';
export { DEFAULT_KEY_PREFIX } from './dedup-store.js';
export type { VerificationErrorCode } from './errors.js';
export { VERIFICATION_ERROR_STATUS, WebhookVerificationError } from './errors.js';
export type {
  DeliveryMeta,
  EventOf,
  HookdeskEvent,
  SmartRuleTriggeredEvent,
  TicketCreatedEvent,
  TicketUpdatedEvent,
  WebhookTestEvent,
} from './event.js';
export type { EventHandler, EventHandlers } from './event-handlers.js';
export type { ExpressRequestLike } from './express-middleware.js';
export { captureRawBody, expressReceiver } from './express-middleware.js';
export { fetchReceiver } from './fetch-handler.js';
export type { ReceiverRequest, ReceiverResponse } from './handle-request.js';
export type { HeadersInput } from './header-value.js';
export type { KeyRing } from './key-ring.js';
export { keyRing } from './key-ring.js';
export type { KeyvDedupStoreOptions, KeyvLike } from './keyv-dedup-store.js';
export { KeyvDedupStore } from './keyv-dedup-store.js';
export type { KoaContextLike } from './koa-middleware.js';
export { koaReceiver } from './koa-middleware.js';
export type { MemoryDedupStoreOptions } from './memory-dedup-store.js';
export { MemoryDedupStore } from './memory-dedup-store.js';
export { nodeReceiver } from './node-handler.js';
export type { ProcessOutcome } from './process-event.js';
export { DedupUnavailableError, HandlerError } from './process-event.js';
export type { Receiver } from './receiver.js';
export { createReceiver } from './receiver.js';
export type { ReceiverInput } from './receiver-input.js';
export type { ReceiverOptions } from './receiver-options.js';
export { DEFAULT_BODY_TIMEOUT_MS, DEFAULT_DONE_TTL_MS, DEFAULT_LEASE_MS } from './receiver-options.js';
export type { RedisClientLike, RedisDedupStoreOptions } from './redis-dedup-store.js';
export { RedisDedupStore } from './redis-dedup-store.js';
export type { DedupStoreInput, KeyvRedisLike, ResolveDedupStoreOptions } from './resolve-dedup-store.js';
export { resolveDedupStore } from './resolve-dedup-store.js';
export type { SignedRequest, SignedRequestOptions } from './signed-request.js';
export { createSignedRequest } from './signed-request.js';
export type { VerifyOptions } from './verify.js';
export {
  bodyTimeout,
  bodyTooLarge,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_TOLERANCE_SECONDS,
  verify,
  verifySignature,
} from './verify.js';
