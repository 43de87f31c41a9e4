import { createReceiver, type Receiver, type ReceiverOptions } from './receiver.js';

/** What every framework helper takes: a receiver, or the options to create one. */
export type ReceiverInput = Receiver | ReceiverOptions;

export function toReceiver(input: ReceiverInput): Receiver {
  return typeof (input as Receiver).handle === 'function'
    ? (input as Receiver)
    : createReceiver(input as ReceiverOptions);
}
