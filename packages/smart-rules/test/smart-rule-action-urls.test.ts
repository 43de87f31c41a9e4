import { createHookdesk, type ExtensionContext, type Resolver } from '@hookdesk/core';
import { createStorage } from '@hookdesk/storage';
import { afterAll, describe, expect, it } from 'vitest';
import { smartRuleUrlsToCheck } from '../src/smart-rule-schema.js';
import { base, create, patch } from './support/rule-input.js';

describe('smartRuleUrlsToCheck', () => {
  it('returns the action URL when there is one', () => {
    expect(smartRuleUrlsToCheck(create(base))).toEqual(['https://example.com/hook']);
    expect(smartRuleUrlsToCheck(patch({ active: true }))).toEqual([]);
  });
});

describe('smartRuleUrlsToCheck with the webhook SSRF guard', () => {
  const resolve: Resolver = async (host) => [
    { address: host === 'intranet.example' ? '10.0.0.7' : '93.184.215.14', family: 4 },
  ];
  // The guard's verdict as an extension gets it (`ExtensionContext.urlProblem`): the webhooks' own.
  const engine = (async () => {
    const storage = await createStorage({ store: 'memory' });
    const hookdesk = createHookdesk({ storage, resolve, process: false });
    let context: ExtensionContext | undefined;
    hookdesk.extend((given) => {
      context = given;
      return { name: 'probe' };
    });
    return { hookdesk, storage, context: context as unknown as ExtensionContext };
  })();
  afterAll(async () => {
    const { hookdesk, storage } = await engine;
    await hookdesk.close();
    await storage.close();
  });
  const refused = async (url: string) => {
    const { context } = await engine;
    const input = create({ ...base, action: { type: 'trigger_webhook', url } });
    const problems = await Promise.all(smartRuleUrlsToCheck(input).map((u) => context.urlProblem(u)));
    return problems.filter((p) => p !== null);
  };

  it.each<[string, string[]]>([
    ['https://example.com/hook', []],
    ['http://127.1/hook', ['127.0.0.1: 127.0.0.1 is a loopback address']],
    ['https://intranet.example/hook', ['intranet.example resolves to 10.0.0.7, a private address']],
  ])('%s → %j', async (url, expected) => {
    expect(await refused(url)).toEqual(expected);
  });
});
