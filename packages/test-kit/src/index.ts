export * from './test-receiver.js';
export * from './services.js';
export * from './storage-conformance.js';
