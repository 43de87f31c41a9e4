export * from './admin-contract.js';
export * from './contract-hookdesk.js';
export * from './example-helpdesk-e2e.js';
export * from './example-process.js';
export * from './services.js';
export * from './storage-conformance.js';
export * from './test-receiver.js';
