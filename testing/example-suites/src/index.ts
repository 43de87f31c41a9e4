export * from './example-helpdesk-e2e.js';
export * from './example-helpdesk-suites.js';
export * from './example-process.js';
export * from './mount-example-suite.js';
