import type { Readable } from 'node:stream';
import { bodyTimeout, bodyTooLarge } from './verify.js';

/**
 * Reads a Node request stream whole, refusing it as soon as it passes `maxBytes` (413 before any
 * hashing); the rest of an oversized body is discarded unread. A body that has not ended within
 * `timeoutMs` is refused with 408 (`body_timeout`), so a client that never sends it cannot hold the
 * request open; the receiver then closes the connection.
 */
export function readNodeBody(stream: Readable, maxBytes: number, timeoutMs?: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            cleanup();
            reject(bodyTimeout(timeoutMs));
          }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        cleanup();
        stream.resume();
        reject(bodyTooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('The client closed the connection before the body ended.'));
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}
