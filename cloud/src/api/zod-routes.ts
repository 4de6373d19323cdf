import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';
import { apiErrors } from '../errors.ts';

/**
 * Route schemas are zod schemas (one definition for validation, types and
 * the OpenAPI document). Fastify calls this compiler once per route part;
 * a failure becomes a 400 ZENNE_ERR_API_BAD_REQUEST naming the parameter.
 */
export function useZodValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const zod = schema as unknown as z.ZodType;
    return (data: unknown) => {
      const result = zod.safeParse(data);
      if (result.success) return { value: result.data };
      const issue = result.error.issues[0]!;
      if (issue.code === 'unrecognized_keys') {
        return { error: apiErrors.BAD_REQUEST({ parameter: issue.keys.join(', '), reason: 'unknown parameter' }) };
      }
      const [parameter, ...inner] = issue.path;
      const reason = inner.length > 0 ? `${issue.message} (item ${inner.join('.')})` : issue.message;
      return { error: apiErrors.BAD_REQUEST({ parameter: String(parameter ?? httpPart ?? 'request'), reason }) };
    };
  });
  // Responses are documented, not re-validated: handlers build them from typed values.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}

const PARTS = ['params', 'querystring', 'body', 'headers'] as const;

/** @fastify/swagger `transform`: turns each route's zod schemas into OpenAPI 3.0 JSON Schema. */
export function zodToOpenApi({ schema, url }: { schema: FastifySchema; url: string }): { schema: FastifySchema; url: string } {
  if (!schema) return { schema, url };
  const convert = (s: unknown, io: 'input' | 'output') =>
    s instanceof z.ZodType ? z.toJSONSchema(s, { target: 'openapi-3.0', io, unrepresentable: 'any' }) : s;
  const out: Record<string, unknown> = { ...schema };
  for (const part of PARTS) if (part in schema) out[part] = convert(schema[part], 'input');
  if (schema.response) {
    out.response = Object.fromEntries(
      Object.entries(schema.response as Record<string, unknown>).map(([status, s]) => [status, convert(s, 'output')]),
    );
  }
  return { schema: out as FastifySchema, url };
}
