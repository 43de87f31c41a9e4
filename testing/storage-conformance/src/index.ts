export * from './smart-rule-storage-conformance.js';
export * from './storage-conformance.js';
