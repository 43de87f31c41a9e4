import { describe, expect, it } from 'vitest';
import { ADMIN_ROUTES } from '../../src/admin/admin-routes.js';
import { buildOpenApiDocument } from '../../src/index.js';

type Operation = {
  parameters?: { name: string; in: string }[];
  responses: Record<string, { content?: unknown }>;
};

describe('the OpenAPI document', () => {
  const paths = buildOpenApiDocument().paths as Record<string, Record<string, Operation>>;
  const operation = (method: string, path: string) =>
    paths[path.replace(/:([a-z]+)/g, '{$1}')]?.[method.toLowerCase()];

  it('documents every route the admin handler serves, each answer with its schema', () => {
    for (const route of ADMIN_ROUTES) {
      const what = `${route.method} ${route.path}`;
      const documented = operation(route.method, route.path);
      expect(documented, what).toBeDefined();
      const success = Object.entries(documented!.responses).find(([status]) => status !== 'default');
      expect(success, what).toBeDefined();
      // Every answer but 204 has a body, so a schema.
      if (success![0] !== '204') expect(success![1].content, what).toBeDefined();
    }
    const served = new Set(ADMIN_ROUTES.map((r) => `${r.method} ${r.path.replace(/:([a-z]+)/g, '{$1}')}`));
    const documented = Object.entries(paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.filter((route) => !served.has(route))).toEqual(['GET /api/openapi.json']);
  });

  it('lists the query parameters of the log and the stats', () => {
    const names = (path: string) => operation('GET', path)?.parameters?.map((p) => `${p.in}:${p.name}`);
    expect(names('/api/logs')).toEqual(
      ['status', 'webhookId', 'ruleId', 'event', 'since', 'until', 'limit', 'cursor'].map(
        (n) => `query:${n}`,
      ),
    );
    expect(names('/api/stats')).toEqual(['since', 'until', 'webhookId', 'ruleId'].map((n) => `query:${n}`));
  });
});
