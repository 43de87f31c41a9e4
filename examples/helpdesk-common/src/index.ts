export { parseDuration, parseDurationList } from './duration.js';
export { type ExampleConfig, readExampleConfig } from './example-config.js';
export { exitGracefully } from './graceful-shutdown.js';
export { type Helpdesk, openHelpdesk } from './open-helpdesk.js';
export {
  createTicketService,
  type Ticket,
  type TicketChange,
  TicketInputError,
  type TicketService,
} from './ticket-service.js';
