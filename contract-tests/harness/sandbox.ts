// A sandbox CRM per suite, and clients whose every answer is checked against the spec: a status the
// operation documents and a body matching that status's schema (the sandbox's own fault and request-invalid
// answers aside). `violations()` lists what broke that rule; each suite asserts it stays empty.
import { operations as operationTable } from '../../generated/crm-rest.operations';
import type { CrmClient, CrmClientOptions } from '../../src/rest/client';
import { compilePathTemplate } from '../../src/core/path-template';
import { startSandboxCrm, type SandboxCrm, type SandboxCrmOptions } from '../../src/testing/sandbox/server';
import { API_KEY } from './mock-crm';
import { observedClient } from './output-scan';
import { operationById, responseSchemaErrors } from './spec';

const routes = Object.values(operationTable).map((entry) => ({ entry, match: compilePathTemplate(entry.path) }));
/** Answers that are the sandbox's own, not the CRM's: injected faults and requests refused as breaking the spec. */
const SANDBOX_OWN = new Set(['sandbox_fault', 'mock_request_invalid']);

export interface SuiteSandbox {
  readonly sandbox: SandboxCrm;
  client(overrides?: Partial<CrmClientOptions>): CrmClient;
  /** Every answer so far that the spec does not document. */
  violations(): string[];
  /** How many answers were checked. */
  checked(): number;
}

export function useSandbox(options: Partial<SandboxCrmOptions> = {}): SuiteSandbox {
  let sandbox: SandboxCrm | undefined;
  const found: string[] = [];
  let count = 0;
  beforeAll(async () => {
    sandbox = await startSandboxCrm({ apiKey: API_KEY, ...options });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  async function checkAnswer(request: Request, response: Response): Promise<void> {
    const { pathname } = new URL(request.url);
    const route = routes.find((r) => r.entry.method === request.method && r.match(pathname));
    if (!route) return;
    const opId = route.entry.id;
    const text = await response.clone().text();
    const body = text === '' ? undefined : JSON.parse(text);
    if (SANDBOX_OWN.has(body?.type)) return;
    count += 1;
    if (!operationById(opId).operation.responses[String(response.status)]) {
      found.push(`${opId}: undocumented status ${response.status} ${text}`);
      return;
    }
    for (const problem of responseSchemaErrors(opId, response.status, body)) found.push(`${opId} ${response.status}: ${problem}`);
  }

  const started = (): SandboxCrm => {
    if (!sandbox) throw new Error('the sandbox is not started');
    return sandbox;
  };
  return {
    get sandbox() {
      return started();
    },
    client: (overrides = {}) => {
      const inner = overrides.fetch ?? ((input: Request, init?: RequestInit) => fetch(input, init));
      return observedClient({
        baseUrl: started().url,
        apiKey: API_KEY,
        ...overrides,
        fetch: async (input, init) => {
          const response = await inner(input, init);
          await checkAnswer(input, response);
          return response;
        },
      });
    },
    violations: () => [...found],
    checked: () => count,
  };
}
