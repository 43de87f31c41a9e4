import { z } from 'zod';
import { webhookCreateSchema, webhookPatchSchema } from '../webhook-schema.js';
import { MAX_ID_LENGTH } from './admin-bounds.js';
import { ADMIN_ROUTES, type ExtensionAdminRoute } from './admin-routes.js';
import {
  errorView,
  keyView,
  logEntryView,
  logQuerySchema,
  logSummaryView,
  resendResultView,
  resendSchema,
  rotatedKeyView,
  settingsPatchSchema,
  settingsView,
  statsQuerySchema,
  statsView,
  webhookSavedView,
  webhookView,
} from './admin-schemas.js';

type JsonSchema = Record<string, unknown>;

const inputSchema = (schema: z.ZodType): JsonSchema =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
const outputSchema = (schema: z.ZodType): JsonSchema =>
  z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;

function strip(schema: JsonSchema): JsonSchema {
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

const json = (schema: JsonSchema) => ({ 'application/json': { schema: strip(schema) } });

interface RouteSchemas {
  request?: z.ZodType;
  /** The query parameters, an object schema. */
  query?: z.ZodType;
  response?: z.ZodType;
  status?: number;
}

/** Request, query and response schemas per route, keyed `METHOD path`. */
const ROUTE_SCHEMAS: Record<string, RouteSchemas> = {
  'GET /api/settings': { response: settingsView },
  'PATCH /api/settings': { request: settingsPatchSchema, response: settingsView },
  'GET /api/settings/key': { response: keyView },
  'POST /api/settings/key/rotate': { response: rotatedKeyView },
  'GET /api/webhooks': { response: z.object({ items: z.array(webhookView) }) },
  'POST /api/webhooks': { request: webhookCreateSchema, response: webhookSavedView, status: 201 },
  'GET /api/webhooks/:id': { response: webhookView },
  'GET /api/webhooks/:id/key': { response: keyView },
  'PATCH /api/webhooks/:id': { request: webhookPatchSchema, response: webhookSavedView },
  'DELETE /api/webhooks/:id': { status: 204 },
  'POST /api/webhooks/:id/test': { response: logEntryView },
  'GET /api/logs': {
    query: logQuerySchema,
    response: z.object({ items: z.array(logSummaryView), nextCursor: z.string().nullable() }),
  },
  'POST /api/logs/resend': { request: resendSchema, response: resendResultView, status: 202 },
  'GET /api/logs/:uuid': { response: logEntryView },
  'GET /api/stats': { query: statsQuerySchema, response: statsView },
};

function queryParameters(query: z.ZodType): unknown[] {
  const schema = inputSchema(query) as { properties: Record<string, JsonSchema> };
  return Object.entries(schema.properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: false,
    schema: property,
  }));
}

/**
 * The admin API as an OpenAPI 3.1 document, generated from the same zod schemas that validate it,
 * with the routes of installed extensions (`hookdesk.adminRoutes()`) after the engine's own.
 */
export function buildOpenApiDocument(
  extensionRoutes: readonly ExtensionAdminRoute[] = [],
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errors = {
    default: {
      description: 'An error in the docs/admin-api.md shape',
      content: json(outputSchema(errorView)),
    },
  };
  const routes = [
    ...ADMIN_ROUTES.map((route) => ({ route, spec: ROUTE_SCHEMAS[`${route.method} ${route.path}`] ?? {} })),
    ...extensionRoutes.map((route) => ({ route, spec: route })),
  ];
  for (const { route, spec } of routes) {
    const openApiPath = route.path.replace(/:([a-z]+)/g, '{$1}');
    const status = String(spec.status ?? 200);
    const parameters = [...route.path.matchAll(/:([a-z]+)/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH },
    }));
    if ('query' in spec && spec.query) parameters.push(...(queryParameters(spec.query) as never[]));
    paths[openApiPath] ??= {};
    paths[openApiPath][route.method.toLowerCase()] = {
      summary: route.summary,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(spec.request ? { requestBody: { required: true, content: json(inputSchema(spec.request)) } } : {}),
      responses: {
        [status]: spec.response
          ? { description: route.summary, content: json(outputSchema(spec.response)) }
          : { description: route.summary },
        ...errors,
      },
    };
  }
  paths['/api/openapi.json'] = {
    get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1 document' } } },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hookdesk admin API',
      version: '1',
      description: 'Paths are relative to where the host mounted Hookdesk (for example /admin/webhooks).',
    },
    paths,
    // What `bearerToken()` checks; a host with its own `authorize` (a session) may differ.
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
  };
}
