/** The parts of a test runner the suite uses (vitest's, or any with the same shape). */
export interface ConformanceTestApi {
  describe: (name: string, body: () => void) => void;
  it: (name: string, body: () => Promise<void> | void, timeout?: number) => void;
  // biome-ignore lint/suspicious/noExplicitAny: the runner's own expect, whatever its typing
  expect: any;
  beforeEach: (body: () => Promise<void> | void, timeout?: number) => void;
  afterEach: (body: () => Promise<void> | void, timeout?: number) => void;
}
