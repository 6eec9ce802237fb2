/**
 * The OpenAPI 3.1 document served at GET /api/v1/openapi.json, built from the zod schemas the
 * API validates with (src/api/schemas.ts) and the core's Advice and Review schemas.
 */
import { z } from 'zod';
import { AdviceSchema, CaseViewSchema, CoachBodySchema, ErrorSchema, ReviewBodySchema, ReviewSchema } from './schemas.ts';

const json = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });

function errors(...codes: number[]): Record<string, unknown> {
  const what: Record<number, string> = {
    400: 'The request is not valid: the body names the field.',
    401: 'Missing or unknown API key.',
    404: 'No such case for this key.',
    413: 'The body is over 1 MiB.',
    415: 'The body must be application/json.',
    429: 'Over the rate limit: retry after the Retry-After seconds.',
    503: 'The case store cannot be reached right now; nothing was lost, retry.',
  };
  return Object.fromEntries(codes.map((c) => [String(c), { description: what[c], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]));
}

export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Defuse API',
      version,
      description: 'Coaching for support agents facing upset customers: the reading, the next step and wording for a case, and a review of a draft reply. Label ids are those of docs/taxonomy.md.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    paths: {
      '/coach': {
        post: {
          operationId: 'coach',
          summary: 'Read a customer message or transcript (optionally continuing a case) and get Advice.',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/CoachRequest' } } } },
          responses: { '200': { description: 'The Advice; advice.caseId continues the case.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Advice' } } } }, ...errors(400, 401, 404, 413, 415, 429, 503) },
        },
      },
      '/review': {
        post: {
          operationId: 'review',
          summary: 'Check a draft reply for helpful and harmful behaviours before it is sent.',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ReviewRequest' } } } },
          responses: { '200': { description: 'The review.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Review' } } } }, ...errors(400, 401, 413, 415, 429) },
        },
      },
      '/cases/{id}': {
        get: {
          operationId: 'getCase',
          summary: 'A case this key opened: its redacted turns, assessments and escalations.',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'The case.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Case' } } } }, ...errors(401, 404, 503) },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A secret from DEFUSE_API_KEYS. With no keys configured, the API answers on loopback only, without a key.' } },
      schemas: {
        CoachRequest: json(CoachBodySchema, 'input'),
        ReviewRequest: json(ReviewBodySchema, 'input'),
        Advice: json(AdviceSchema, 'output'),
        Review: json(ReviewSchema, 'output'),
        Case: json(CaseViewSchema, 'output'),
        Error: json(ErrorSchema, 'output'),
      },
    },
  };
}
