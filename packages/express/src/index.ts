export type { ExpressAdminOptions } from './admin-middleware.js';
export { hookdeskAdmin } from './admin-middleware.js';
export type { ExpressTicketEventOptions, ExpressTicketSelector } from './ticket-event-middleware.js';
export { emitTicketEvent } from './ticket-event-middleware.js';
