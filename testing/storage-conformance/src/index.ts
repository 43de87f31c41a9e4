export { type EntityRepositorySubject, entityRepositoryCases } from './entity-repository-cases.js';
export { makeDelivery, makeWebhook } from './fixtures.js';
export * from './storage-conformance.js';
