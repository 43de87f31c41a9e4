import { createReceiver, type Receiver } from './receiver.js';
import type { ReceiverOptions } from './receiver-options.js';

/** What every framework helper takes: a receiver, or the options to create one. */
export type ReceiverInput = Receiver | ReceiverOptions;

export function toReceiver(input: ReceiverInput): Receiver {
  return typeof (input as Receiver).handle === 'function'
    ? (input as Receiver)
    : createReceiver(input as ReceiverOptions);
}
