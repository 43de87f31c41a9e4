export * from './admin-contract.js';
export * from './contract-hookdesk.js';
export * from './contract-types.js';
