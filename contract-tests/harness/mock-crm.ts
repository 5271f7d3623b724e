// Each suite's own auth gate in front of the run's shared Prism, and clients pointed at it.
import type { CrmClient, CrmClientOptions } from '../../src/client';
import { observedClient } from './output-scan';
import { startGate, type CapturedRequest, type Gate } from '../../src/testing/gate';

/** The key the gate accepts; a test value, not a secret. */
export const API_KEY = 'contract-test-key-0001';

export interface SuiteMock {
  readonly url: string;
  client(overrides?: Partial<CrmClientOptions>): CrmClient;
  /** The last request the gate received. */
  lastRequest(): CapturedRequest;
  requestCount(): number;
}

export function useMockCrm(): SuiteMock {
  let gate: Gate | undefined;
  beforeAll(async () => {
    const upstream = process.env.CRM_PRISM_URL;
    if (!upstream) throw new Error('CRM_PRISM_URL is not set: run the suites through jest (globalSetup starts Prism)');
    gate = await startGate({ apiKey: API_KEY, upstream });
  });
  afterAll(async () => {
    await gate?.stop();
  });
  const started = (): Gate => {
    if (!gate) throw new Error('the mock CRM is not started');
    return gate;
  };
  return {
    get url() {
      return started().url;
    },
    client: (overrides) => observedClient({ baseUrl: started().url, apiKey: API_KEY, ...overrides }),
    lastRequest() {
      const last = started().requests.at(-1);
      if (!last) throw new Error('the mock CRM received no request');
      return last;
    },
    requestCount: () => started().requests.length,
  };
}
