// A bundled spec as tests and scripts see it: operations (and webhooks) by id, their examples, and ajv (JSON
// Schema 2020-12, as OpenAPI 3.1 schemas are) validators for their responses, for any API in redocly.yaml.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { bundledSpecPath } from '../../src/testing/package-root';
import { listOperations, resolveRef, type DocumentOperation, type Json } from './openapi-document';

export type SpecOperation = DocumentOperation;

export interface ExampleInput {
  params: { path?: Json; query?: Json };
  body?: unknown;
}

/** An API by name (its bundle in generated/), or a parsed document given under a name. */
export function loadApi(name: string, document?: Json) {
  const bundle: Json = document ?? JSON.parse(readFileSync(bundledSpecPath(name), 'utf8'));
  // Webhooks are operations too (the CRM is the client): listed like paths, under `#/webhooks`.
  const operations: SpecOperation[] = [
    ...listOperations(bundle),
    ...listOperations({ paths: bundle.webhooks ?? {} }).map((op) => ({ ...op, pointer: op.pointer.replace('#/paths/', '#/webhooks/') })),
  ];
  const deref = (node: Json, pointer: string) => resolveRef(bundle, node, pointer);

  function operationById(id: string): SpecOperation {
    const found = operations.find((op) => op.id === id);
    if (!found) throw new Error(`no operation ${id} in the bundled ${name} spec`);
    return found;
  }

  function documentedResponse(opId: string, status: number): { node: Json; pointer: string } {
    const op = operationById(opId);
    const response = op.operation.responses?.[String(status)];
    if (!response) throw new Error(`${opId} documents no ${status} response`);
    return deref(response, `${op.pointer}/responses/${status}`);
  }

  /** Every documented non-2xx, non-403 example: the errors a test should provoke with `Prefer`. */
  function documentedErrorExamples(opId: string): { status: number; name: string; value: unknown }[] {
    const op = operationById(opId);
    return Object.keys(op.operation.responses)
      .map(Number)
      .filter((status) => status >= 400 && status !== 403)
      .flatMap((status) => {
        const media = documentedResponse(opId, status).node.content?.['application/json'] ?? {};
        return Object.entries((media.examples ?? {}) as Json).map(([exampleName, example]) => ({
          status,
          name: exampleName,
          value: deref(example, '').node.value,
        }));
      });
  }

  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('password', true);
  ajv.addSchema(bundle, name);

  /** Validates a body against the schema the spec documents for that operation and status. */
  function responseSchemaErrors(opId: string, status: number, body: unknown): string[] {
    const { node, pointer } = documentedResponse(opId, status);
    if (!node.content) return body === undefined ? [] : [`${opId} ${status} documents no body but one came back`];
    const schemaPointer = `${name}${pointer}/content/application~1json/schema`;
    const validate = ajv.getSchema(schemaPointer);
    if (!validate) throw new Error(`cannot compile ${schemaPointer}`);
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`);
  }

  /** Validates a request body (for webhooks: the event the CRM sends) against the operation's request schema. */
  function requestSchemaErrors(opId: string, body: unknown): string[] {
    const validate = ajv.getSchema(`${name}${operationById(opId).pointer}/requestBody/content/application~1json/schema`);
    if (!validate) throw new Error(`${opId} documents no JSON request body`);
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`);
  }

  /** An operation's input built from the spec's own examples (parameter examples and the request body example). */
  function exampleInput(opId: string): ExampleInput {
    const op = operationById(opId);
    const params: { path?: Json; query?: Json } = {};
    for (const raw of [...(op.pathItem.parameters ?? []), ...(op.operation.parameters ?? [])]) {
      const parameter = deref(raw, '').node;
      if (!parameter.required || (parameter.in !== 'path' && parameter.in !== 'query')) continue;
      const value = parameter.example ?? deref(parameter.schema ?? {}, '').node.example;
      if (value === undefined) throw new Error(`${opId}: parameter ${parameter.name} has no example`);
      (params[parameter.in as 'path' | 'query'] ??= {})[parameter.name] = value;
    }
    const media = deref(op.operation.requestBody ?? {}, '').node?.content?.['application/json'];
    if (!media) return { params };
    const first = media.examples && deref(Object.values(media.examples as Json)[0], '').node.value;
    const body = media.example ?? first;
    if (body === undefined) throw new Error(`${opId}: request body has no example`);
    return { params, body };
  }

  return { bundle, operations, operationById, deref, documentedResponse, documentedErrorExamples, responseSchemaErrors, requestSchemaErrors, exampleInput };
}

