// Each suite's own auth gate in front of the run's shared Prism, and clients pointed at it.
import type { CrmClient, CrmClientOptions } from '../../src/rest/client';
import { observedClient } from './output-scan';
import { startGate, type CapturedRequest, type Gate } from '../../src/testing/mock/gate';

/** The key the gate accepts; a test value, not a secret. */
export const API_KEY = 'contract-test-key-0001';

export interface SuiteMock {
  readonly url: string;
  client(overrides?: Partial<CrmClientOptions>): CrmClient;
  /** The last request the gate received. */
  lastRequest(): CapturedRequest;
  requestCount(): number;
  /** The same mock behind a gate that checks signature v1, as a CRM on the older scheme does. */
  readonly v1: { readonly url: string; client(overrides?: Partial<CrmClientOptions>): CrmClient; lastRequest(): CapturedRequest; requestCount(): number };
}

export function useMockCrm(): SuiteMock {
  const gates: { v2?: Gate; v1?: Gate } = {};
  beforeAll(async () => {
    const upstream = process.env.CRM_PRISM_URL;
    if (!upstream) throw new Error('CRM_PRISM_URL is not set: run the suites through jest (globalSetup starts Prism)');
    gates.v2 = await startGate({ apiKey: API_KEY, upstream });
    gates.v1 = await startGate({ apiKey: API_KEY, upstream, signatureVersion: 'v1' });
  });
  afterAll(async () => {
    await gates.v2?.stop();
    await gates.v1?.stop();
  });
  const view = (version: 'v1' | 'v2') => {
    const started = (): Gate => {
      const gate = gates[version];
      if (!gate) throw new Error('the mock CRM is not started');
      return gate;
    };
    return {
      get url() {
        return started().url;
      },
      client: (overrides: Partial<CrmClientOptions> = {}) => observedClient({ baseUrl: started().url, apiKey: API_KEY, ...(version === 'v1' ? { signatureVersion: 'v1' as const } : {}), ...overrides }),
      lastRequest() {
        const last = started().requests.at(-1);
        if (!last) throw new Error('the mock CRM received no request');
        return last;
      },
      requestCount: () => started().requests.length,
    };
  };
  return Object.assign(view('v2'), { v1: view('v1') });
}
