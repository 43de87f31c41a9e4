export type { KoaAdminOptions } from './admin-middleware.js';
export { hookdeskAdmin } from './admin-middleware.js';
export type { KoaTicketEventOptions, KoaTicketSelector } from './ticket-event-middleware.js';
export { emitTicketEvent } from './ticket-event-middleware.js';
