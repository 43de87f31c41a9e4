export { DEFAULT_MAX_BODY_BYTES, encodeEventBody } from './body.js';
export { computeChanges } from './changes.js';
export { constantTimeEqual } from './constant-time.js';
export type {
  EventBody,
  EventType,
  FieldChange,
  SmartRuleTriggeredBody,
  Ticket,
  TicketChanges,
  TicketCreatedBody,
  TicketUpdatedBody,
  WebhookEventType,
  WebhookTestBody,
} from './events.js';
export {
  EVENT_TYPES,
  isEventType,
  WEBHOOK_EVENT_TYPES,
} from './events.js';
export type { SignedHeadersInput } from './headers.js';
export {
  HEADER_ATTEMPT,
  HEADER_EVENT,
  HEADER_SIGNATURE,
  HEADER_UUID,
  HEADER_WEBHOOK_ID,
  HEADER_WEBHOOK_SIGNATURE,
  HEADER_WEBHOOK_TIMESTAMP,
  RESERVED_HEADERS,
  signedHeaders,
} from './headers.js';
export {
  generateKey,
  KEY_PREFIX,
  keyPreview,
  keyProblem,
  MAX_KEY_BYTES,
  MIN_KEY_BYTES,
  standardSecret,
} from './key.js';
export { sha1SignatureMatches, signSha1, signStandard, signStandardAll } from './signature.js';
