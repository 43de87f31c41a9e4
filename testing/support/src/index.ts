export * from './exported-names.js';
export * from './fake-clock.js';
export * from './readme-example.js';
export * from './services.js';
export * from './test-api.js';
export * from './tidy-on-close.js';
export * from './undocumented-exports.js';
export * from './until.js';
