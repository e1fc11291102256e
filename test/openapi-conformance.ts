import { openApiDocument } from '@archive/api';
import { Ajv2020 } from 'ajv/dist/2020.js';

/**
 * Holds real answers to the OpenAPI document: the status must be one the route documents, and a
 * JSON body must match the documented schema (JSON Schema 2020-12, which OpenAPI 3.1 uses). The
 * API tests' request helper runs every answer through it, so the suite's responses, errors
 * included, are checked against the document as they arrive.
 */

const document = openApiDocument() as unknown as {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
};
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema(document, 'openapi');

const routes = Object.keys(document.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`),
}));

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/** The documented route template of a request path, or null for paths the document does not describe. */
export function documentedRoute(path: string): string | null {
  return routes.find((r) => r.pattern.test(path))?.template ?? null;
}

/** What is wrong with an answer, or null when it conforms (or its path is not documented). */
export function nonConformance(
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  body: string,
): string | null {
  const template = documentedRoute(new URL(url, 'http://x').pathname);
  if (!template) return null;
  const operation = document.paths[template]?.[method.toLowerCase()];
  if (!operation) return null;
  const response = operation.responses[String(status)];
  if (!response) return `${method} ${template} answered ${status}, which the document does not list`;
  const mediaType = (contentType ?? '').split(';')[0]?.trim() ?? '';
  if (!response.content || !(mediaType === 'application/json' || mediaType.endsWith('+json'))) return null;
  if (!(mediaType in response.content))
    return `${method} ${template} ${status}: ${mediaType} is not documented`;
  const validate = ajv.getSchema(
    `openapi#/${pointer('paths', template, method.toLowerCase(), 'responses', String(status), 'content', mediaType, 'schema')}`,
  );
  if (!validate) return `${method} ${template} ${status}: no schema`;
  if (validate(JSON.parse(body))) return null;
  return `${method} ${template} ${status}: ${ajv.errorsText(validate.errors)}`;
}

/** Throws when an answer does not conform; returns the response untouched otherwise. */
export async function assertConforms(method: string, url: string, response: Response): Promise<Response> {
  const problem = nonConformance(
    method,
    url,
    response.status,
    response.headers.get('content-type'),
    await response.clone().text(),
  );
  if (problem) throw new Error(`answer does not conform to the OpenAPI document: ${problem}`);
  return response;
}
