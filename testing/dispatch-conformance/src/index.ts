export * from './dispatch-conformance.js';
export type {
  DispatchEngine,
  DispatchEngineOptions,
  DispatchSetup,
  DispatchSetupFactory,
} from './dispatch-setup.js';
