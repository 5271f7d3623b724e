// For every operation: the spec's own example input is accepted and sent, and an input that breaks a rule
// of the spec is refused before any byte leaves the process, with a message naming the field and the rule.
import type { CrmClient } from '../src/rest/client';
import { CrmValidationError } from '../src/core/errors';
import { API_KEY } from './harness/mock-crm';
import { observedClient } from './harness/output-scan';
import { deref, exampleInput, operations, type ExampleInput, type SpecOperation } from './harness/spec';

function countingClient(): { client: CrmClient; sent: Request[] } {
  const sent: Request[] = [];
  const fetch = async (request: Request) => {
    sent.push(request);
    return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { client: observedClient({ baseUrl: 'http://127.0.0.1:9', apiKey: API_KEY, fetch, maxRetries: 0 }), sent };
}

const send = (client: CrmClient, op: SpecOperation, input: ExampleInput) => {
  const request = client.request as unknown as (method: string, path: string, init: object) => Promise<unknown>;
  return request(op.method.toLowerCase(), op.path, { params: input.params, ...(input.body === undefined ? {} : { body: input.body }) });
};

/** One way to break each operation's input, chosen from its spec: a missing required field, else an unknown one. */
function brokenInput(op: SpecOperation): { input: ExampleInput; field: string; rule: string } {
  const valid = exampleInput(op.id);
  const [pathName] = Object.keys(valid.params.path ?? {});
  if (pathName) {
    const { [pathName]: _dropped, ...path } = valid.params.path!;
    return { input: { ...valid, params: { ...valid.params, path } }, field: `path.${pathName}`, rule: 'is required' };
  }
  const bodySchema = deref(deref(op.operation.requestBody ?? {}, '').node?.content?.['application/json']?.schema ?? {}, '').node;
  const [bodyName] = (bodySchema.required ?? []) as string[];
  if (bodyName && valid.body && typeof valid.body === 'object') {
    const { [bodyName]: _dropped, ...body } = valid.body as Record<string, unknown>;
    return { input: { ...valid, body }, field: `body.${bodyName}`, rule: 'is required' };
  }
  const [queryName] = Object.keys(valid.params.query ?? {});
  if (queryName) {
    const { [queryName]: _dropped, ...query } = valid.params.query!;
    return { input: { ...valid, params: { ...valid.params, query } }, field: `query.${queryName}`, rule: 'is required' };
  }
  return { input: { ...valid, params: { ...valid.params, query: { ...valid.params.query, unknown_field: 1 } } }, field: 'query.unknown_field', rule: 'is not a known field' };
}

describe.each(operations.map((op) => [op.id, op] as const))('%s', (id, op) => {
  it("sends the spec's example input", async () => {
    const { client, sent } = countingClient();
    await send(client, op, exampleInput(id));
    expect(sent).toHaveLength(1);
  });

  it('refuses a broken input before the network, naming the field and the rule', async () => {
    const { client, sent } = countingClient();
    const { input, field, rule } = brokenInput(op);
    const error = await send(client, op, input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrmValidationError);
    expect((error as CrmValidationError).message).toContain(`${id}: `);
    expect((error as CrmValidationError).message).toContain(`${field} ${rule}`);
    expect(sent).toHaveLength(0);
  });
});

describe('request validators', () => {
  it('are compiled once per API: every client, handler and sandbox of one API shares one set', async () => {
    const { requestValidators } = await import('../src/core/validation/request-validators');
    const { requestSchemas: psp } = await import('../generated/psp.request-schemas');
    const { requestSchemas: oauth } = await import('../generated/client-oauth.request-schemas');
    const { CLIENT_OAUTH_FORMATS, NO_FORMATS } = await import('../src/core/validation/formats');
    expect(requestValidators(psp, NO_FORMATS)).toBe(requestValidators(psp, NO_FORMATS));
    expect(requestValidators(oauth, CLIENT_OAUTH_FORMATS)).toBe(requestValidators(oauth, CLIENT_OAUTH_FORMATS));
    expect(requestValidators(oauth, CLIENT_OAUTH_FORMATS)).not.toBe(requestValidators(psp, NO_FORMATS));
  });

  it('refuse to compile what their API\'s set gives no check for (a format, anyOf/oneOf), rather than let it pass', async () => {
    const { createSchemaCompiler } = await import('../src/core/validation/schema-validator');
    const { ALL_FORMATS, CRM_REST_FORMATS } = await import('../src/core/validation/formats');
    const compile = (schema: Record<string, unknown>, formats: typeof ALL_FORMATS) => () => createSchemaCompiler(() => true, formats)(schema);
    expect(compile({ type: 'string', format: 'uri' }, CRM_REST_FORMATS)).toThrow('schema format "uri" has no check here');
    expect(compile({ oneOf: [{ type: 'string' }, { type: 'number' }] }, CRM_REST_FORMATS)).toThrow('schema keyword oneOf has no check here');
    expect(compile({ anyOf: [{ type: 'string' }] }, CRM_REST_FORMATS)).toThrow('schema keyword anyOf has no check here');
    expect(compile({ oneOf: [{ type: 'string' }, { type: 'number' }] }, ALL_FORMATS)).not.toThrow();
  });
});
