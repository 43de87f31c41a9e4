export { parseDuration, parseDurationList } from '@hookdesk/core';
export { type ExampleConfig, readExampleConfig } from './example-config.js';
export { exitGracefully } from './graceful-shutdown.js';
export {
  type ErrorAnswer,
  errorAnswer,
  INTERNAL_ERROR_ANSWER,
  methodNotAllowedAnswer,
  notFoundAnswer,
  TICKET_BODY_LIMIT_BYTES,
} from './http-answers.js';
export { type Helpdesk, openHelpdesk } from './open-helpdesk.js';
export { createTicketOutbox, type OutboxEntry, type TicketOutbox } from './ticket-outbox.js';
export {
  createTicketService,
  MAX_TICKET_DEPTH,
  type Ticket,
  type TicketChange,
  type TicketEvents,
  TicketInputError,
  type TicketService,
  type TicketServiceOptions,
} from './ticket-service.js';
