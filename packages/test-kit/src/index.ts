export * from './admin-contract.js';
export * from './contract-hookdesk.js';
export * from './services.js';
export * from './storage-conformance.js';
export * from './test-receiver.js';
