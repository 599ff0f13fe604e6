import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { oas31 } from 'zod-openapi';
import { openApiDocument } from '../../src/http/openapi/document';

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) over the document, its `#/components` refs resolvable. */
export function documentValidator(document: oas31.OpenAPIObject = openApiDocument()) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', components: document.components });
  // By schema text (equal schemas share one validator), and by object so a suite's answers skip re-serializing.
  const bySource = new Map<string, ValidateFunction>();
  const byObject = new WeakMap<object, ValidateFunction>();
  const validatorOf = (schema: object): ValidateFunction => {
    let validate = byObject.get(schema);
    if (!validate) {
      const source = JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/');
      validate = bySource.get(source) ?? ajv.compile(JSON.parse(source) as object);
      bySource.set(source, validate);
      byObject.set(schema, validate);
    }
    return validate;
  };
  return {
    /** The errors of `value` against `schema` (a schema of the document), or [] when it conforms. */
    errorsOf(schema: unknown, value: unknown): string[] {
      const validate = validatorOf(schema as object);
      return validate(value)
        ? []
        : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`.trim());
    },
  };
}

/** Each document's path templates as regular expressions, built once. */
const templateMatchers = new WeakMap<oas31.OpenAPIObject, Array<{ template: string; pattern: RegExp }>>();

/** The document's template for a concrete path (`/api/v1/lists/9a…` → `/api/v1/lists/{uuid}`), if any. */
export function pathTemplateOf(document: oas31.OpenAPIObject, path: string): string | undefined {
  const templates = Object.keys(document.paths ?? {});
  if (templates.includes(path)) return path;
  let matchers = templateMatchers.get(document);
  if (!matchers) {
    matchers = templates.map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }));
    templateMatchers.set(document, matchers);
  }
  return matchers.find(({ pattern }) => pattern.test(path))?.template;
}
/**
 * Why a JSON answer does not match what the document promises for its route and status ([] when it does): an
 * undocumented status, or a body that fails the schema (responses allow no undocumented field).
 */
export function responseMismatches(
  validator: ReturnType<typeof documentValidator>,
  document: oas31.OpenAPIObject,
  answer: { method: string; path: string; status: number; contentType: string | undefined; body: unknown },
): string[] {
  const where = `${answer.method.toUpperCase()} ${answer.path} → ${answer.status}`;
  const template = pathTemplateOf(document, answer.path);
  if (!template) return [`${where}: the path is not in the document`];
  const operation = (document.paths![template] as Record<string, oas31.OperationObject | undefined>)[
    answer.method.toLowerCase()
  ];
  if (!operation) return [`${where}: the method is not documented for ${template}`];
  const response = operation.responses?.[String(answer.status)] as oas31.ResponseObject | undefined;
  if (!response) return [`${where}: status ${answer.status} is not documented`];
  if (!answer.contentType?.startsWith('application/json')) return [];
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return [`${where}: no JSON body is documented`];
  return validator.errorsOf(schema, answer.body).map((error) => `${where}: ${error}`);
}

let shared: { document: oas31.OpenAPIObject; validator: ReturnType<typeof documentValidator> } | undefined;

/**
 * A supertest `.expect()` check: the answer matches /openapi.json (its status is documented for the route, its JSON
 * body fits the schema). The test stack's API client applies it to every call, so every suite checks the document.
 */
export function expectDocumented(answer: { status: number; body: unknown; headers: Record<string, string> }): void {
  const { method, path } = (answer as unknown as { req: { method: string; path: string } }).req;
  const body = answer.body as { code?: unknown } | undefined;
  if (answer.status === 404 && body?.code === 'route_not_found') return;
  shared ??= { document: openApiDocument(), validator: documentValidator() };
  const mismatches = responseMismatches(shared.validator, shared.document, {
    method,
    path: path.split('?')[0]!,
    status: answer.status,
    contentType: answer.headers['content-type'],
    body: answer.body,
  });
  if (mismatches.length > 0) {
    throw new Error(`The answer does not match /openapi.json:\n${mismatches.join('\n')}\n${JSON.stringify(body)}`);
  }
}
