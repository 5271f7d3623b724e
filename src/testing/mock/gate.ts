// A small HTTP front that behaves as the CRM does before any business logic: 403 invalid_api_key when `key`
// is missing or wrong, 403 invalid_signature when a request with a body is unsigned or its signature does not
// match the exact bytes received. Everything else goes to the upstream (Prism) unchanged. It also records what
// it received, so tests can assert the exact request a client sent.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { SignatureVersion } from '../../rest/request-signing';
import { verifySha1ParamsSignature } from '../../core/signatures/sha1-params';
import { answerJson, captureRequest, listen, type CapturedRequest } from '../http-host';

export type { CapturedRequest } from '../http-host';

export interface GateOptions {
  apiKey: string;
  /** Key of the body signature; the CRM's samples use the API key. */
  signingSecret?: string;
  /** The signature scheme checked (default 'v2'). */
  signatureVersion?: SignatureVersion;
  /** Base URL requests are forwarded to. */
  upstream: string;
  host?: string;
  port?: number;
  /** How many requests to remember (oldest dropped first). */
  capture?: number;
}

export interface Gate {
  url: string;
  /** Requests received, oldest first. */
  readonly requests: readonly CapturedRequest[];
  stop(): Promise<void>;
}

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
export const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether `received` is the text whose SHA-256 is `expected`, compared in constant time. */
export function sameSecret(received: string | string[] | undefined, expected: Buffer): boolean {
  return typeof received === 'string' && timingSafeEqual(digest(received), expected);
}

/** Whether a v1 `signature` is right for these body bytes (either reading of empty values, as the client allows). */
async function v1SignatureMatches(body: Buffer, signature: string | string[] | undefined, secret: string): Promise<boolean> {
  let params: unknown;
  try {
    params = JSON.parse(body.toString('utf8'));
  } catch {
    return false;
  }
  return verifySha1ParamsSignature(params, secret, signature);
}

/**
 * The CRM's own check before any business logic, shared by the mock's gate and the sandbox: the `type` of the
 * 403 it answers (`invalid_api_key`, `invalid_signature`), or undefined when `key` and `signature` are right.
 * `version` is the signature scheme this CRM checks; a request signed with the other one is refused.
 */
export function createAuthCheck(apiKey: string, signingSecret: string = apiKey, version: SignatureVersion = 'v2') {
  const expectedKey = digest(apiKey);
  return async (method: string, headers: IncomingHttpHeaders, body: Buffer): Promise<'invalid_api_key' | 'invalid_signature' | undefined> => {
    if (!sameSecret(headers['key'], expectedKey)) return 'invalid_api_key';
    if (METHODS_WITH_BODY.has(method) || body.length > 0) {
      if (version === 'v1') return (await v1SignatureMatches(body, headers['signature'], signingSecret)) ? undefined : 'invalid_signature';
      const expected = 'sha256=' + createHmac('sha256', signingSecret).update(body).digest('hex');
      if (!sameSecret(headers['signature'], digest(expected))) return 'invalid_signature';
    }
    return undefined;
  };
}

interface PrismViolation {
  location?: string[];
  severity?: string;
  message?: string;
}

/** Prism marks a request that breaks the spec in `sl-violations`; those become a 422 naming each violation. */
function requestViolations(header: string | string[] | undefined): PrismViolation[] {
  if (typeof header !== 'string') return [];
  try {
    const all = JSON.parse(header) as PrismViolation[];
    return all.filter((v) => v.location?.[0] === 'request' && v.severity === 'Error');
  } catch {
    return [];
  }
}

function forward(upstream: URL, captured: CapturedRequest, response: ServerResponse): void {
  const headers = { ...captured.headers, host: upstream.host };
  const target = new URL(captured.path + (captured.query ? `?${captured.query}` : ''), upstream);
  const outgoing = httpRequest(target, { method: captured.method, headers }, (answer) => {
    const violations = requestViolations(answer.headers['sl-violations']);
    if (violations.length > 0) {
      answer.resume();
      const detail = violations.map((v) => `${(v.location ?? []).join('.')} ${v.message ?? ''}`.trim()).join('; ');
      answerJson(response, 422, { type: 'mock_request_invalid', title: 'The request breaks the spec (Prism)', detail, violations }, 'application/problem+json');
      return;
    }
    response.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(response);
  });
  outgoing.on('error', (error) => answerJson(response, 502, { type: 'mock_upstream_error', detail: error.message }));
  outgoing.end(captured.body);
}

export async function startGate(options: GateOptions): Promise<Gate> {
  const refusal = createAuthCheck(options.apiKey, options.signingSecret, options.signatureVersion);
  const upstream = new URL(options.upstream);
  const limit = options.capture ?? 1000;
  const requests: CapturedRequest[] = [];

  const server = createServer(async (request, response) => {
    const captured = await captureRequest(request);
    requests.push(captured);
    if (requests.length > limit) requests.shift();

    const refused = await refusal(captured.method, request.headers, captured.body);
    if (refused) return answerJson(response, 403, { type: refused });
    forward(upstream, captured, response);
  });
  const listening = await listen(server, options.host, options.port);
  return { ...listening, requests };
}
