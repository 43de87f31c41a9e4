import type { HookdeskStorage } from '@hookdesk/storage';
import type { ConformanceTestApi } from '@hookdesk/test-support';

/** What every part of the storage conformance suite shares. */
export interface StorageContext {
  readonly test: ConformanceTestApi;
  /** This test's fresh, empty storage, opened in the suite's `beforeEach`: read it inside a test. */
  readonly storage: HookdeskStorage;
}
