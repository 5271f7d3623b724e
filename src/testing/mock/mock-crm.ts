// The static mock CRM: Prism answering from the spec's examples, behind the gate that checks `key` and
// `signature` as the CRM does.
import type { SignatureVersion } from '../../rest/types';
import { startGate, type CapturedRequest } from './gate';
import { bundledSpecPath } from '../package-root';
import { startPrism } from './prism';

export type { CapturedRequest } from './gate';

export interface MockCrmOptions {
  /** The API key the mock accepts (and, as the CRM does, the key of the body signature). */
  apiKey: string;
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Another OpenAPI document to serve (a path); defaults to the bundled REST spec. */
  document?: string;
  /** The signature scheme the mock checks (default 'v2'); a request signed with the other gets 403 invalid_signature. */
  signatureVersion?: SignatureVersion;
  /** Key of the body signature when it is not the API key. */
  signingSecret?: string;
  /** Largest request body read (default 1 MiB); a larger one is answered 413 before any check. */
  maxBodyBytes?: number;
  /** Where the one line about an internal error (a 500 `sandbox_internal_error`) goes (default console.error). */
  log?: (line: string) => void;
}

export interface MockCrm {
  /** Base URL to give `createCrmClient`. */
  url: string;
  /** Requests the mock received, oldest first; each body at most its first 64 KiB. */
  readonly requests: readonly CapturedRequest[];
  stop(): Promise<void>;
}

/**
 * Starts a mock CRM: Prism answering from the spec's examples, behind a gate that checks `key` and
 * `signature` exactly as the CRM does. Send `Prefer: code=400, example=<name>` to get a documented error.
 * No request kills it: a bad target answers 400, a body over `maxBodyBytes` 413, anything unexpected 500.
 */
export async function startMockCrm(options: MockCrmOptions): Promise<MockCrm> {
  if (typeof options?.apiKey !== 'string' || options.apiKey === '') {
    throw new TypeError('startMockCrm: option `apiKey` is required and must be a non-empty string');
  }
  const prism = await startPrism({ document: options.document ?? bundledSpecPath('crm-rest') });
  try {
    const gate = await startGate({
      apiKey: options.apiKey, signingSecret: options.signingSecret, signatureVersion: options.signatureVersion, upstream: prism.url, host: options.host, port: options.port,
      maxBodyBytes: options.maxBodyBytes, log: options.log,
    });
    return {
      url: gate.url,
      requests: gate.requests,
      stop: async () => {
        await gate.stop();
        await prism.close();
      },
    };
  } catch (error) {
    await prism.close();
    throw error;
  }
}
