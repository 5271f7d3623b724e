// A small HTTP front that behaves as the CRM does before any business logic: 403 invalid_api_key when `key`
// is missing or wrong, 403 invalid_signature when a request with a body is unsigned or its signature does not
// match the exact bytes received. Everything else goes to the upstream (Prism) unchanged. It also records what
// it received, so tests can assert the exact request a client sent. It never dies of a request: the shared
// host (http-server.ts) checks the target, caps the body and answers 500 to anything unexpected.
import { request as httpRequest, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { SignatureVersion } from '../../rest/types';
import { sameSecret } from '../../core/same-secret';
import { signPayload } from '../../core/signatures/hmac-sha256';
import { verifySha1ParamsSignature } from '../../core/signatures/sha1-params';
import { answerJson, createHost, listen, RequestLog, type CapturedRequest } from '../http-host';
import { nestsDeeperThan, readJson, MAX_JSON_DEPTH } from '../json-body';

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
  /** Largest request body read (default 1 MiB); a larger one is answered 413 before any check. */
  maxBodyBytes?: number;
  /** Where the one line about an internal error goes (default console.error). */
  log?: (line: string) => void;
}

export interface Gate {
  url: string;
  /** Requests received, oldest first. */
  readonly requests: readonly CapturedRequest[];
  stop(): Promise<void>;
}

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
/** A header as one string; a repeated header (an array) is no credential. */
const single = (value: string | string[] | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

/** Whether a v1 `signature` is right for these body bytes (either reading of empty values, as the client allows). */
async function v1SignatureMatches(body: Buffer, signature: string | string[] | undefined, secret: string): Promise<boolean> {
  // A body too deep to read (or not JSON) carries no signature this check can verify.
  const read = readJson(body);
  return 'value' in read && verifySha1ParamsSignature(read.value, secret, signature);
}

/**
 * The CRM's own check before any business logic, shared by the mock's gate and the sandbox: the `type` of the
 * 403 it answers (`invalid_api_key`, `invalid_signature`), or undefined when `key` and `signature` are right.
 * `version` is the signature scheme this CRM checks; a request signed with the other one is refused.
 */
export function createAuthCheck(apiKey: string, signingSecret: string = apiKey, version: SignatureVersion = 'v2') {
  // The package's own HMAC and constant-time comparison: the contract tests check the client against an
  // independent copy (contract-tests/harness/reference-signature.ts and the gate test's own createHmac).
  return async (method: string, headers: IncomingHttpHeaders, body: Buffer): Promise<'invalid_api_key' | 'invalid_signature' | undefined> => {
    if (!(await sameSecret(single(headers['key']), apiKey))) return 'invalid_api_key';
    if (METHODS_WITH_BODY.has(method) || body.length > 0) {
      if (version === 'v1') return (await v1SignatureMatches(body, headers['signature'], signingSecret)) ? undefined : 'invalid_signature';
      if (!(await sameSecret(single(headers['signature']), await signPayload(body, signingSecret)))) return 'invalid_signature';
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

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
/** RFC 9110's media type (`type/subtype; name=value`), as the parser in front of Prism reads it (it throws on anything else). */
const MEDIA_TYPE = new RegExp(`^ *${TOKEN}/${TOKEN} *(?:; *${TOKEN} *= *(?:${TOKEN}|"(?:[\\v\\x20\\x21\\x23-\\x5b\\x5d-\\x7e\\x80-\\xff]|\\\\[\\v\\x20-\\xff])*") *)*$`);

function forward(upstream: URL, captured: CapturedRequest, response: ServerResponse): void {
  const headers = { ...captured.headers, host: upstream.host };
  const target = new URL(captured.path + (captured.query ? `?${captured.query}` : ''), upstream);
  // Events, outside the host's guard: an upstream answer this cannot read, or that fails midway, cuts ours.
  const failed = (detail: string) => (response.headersSent ? response.destroy() : answerJson(response, 502, { type: 'mock_upstream_error', detail }));
  const outgoing = httpRequest(target, { method: captured.method, headers }, (answer) => {
    answer.once('error', () => response.destroy());
    try {
      const violations = requestViolations(answer.headers['sl-violations']);
      if (violations.length > 0) {
        answer.resume();
        const detail = violations.map((v) => `${[v.location ?? []].flat().join('.')} ${v.message ?? ''}`.trim()).join('; ');
        answerJson(response, 422, { type: 'mock_request_invalid', title: 'The request breaks the spec (Prism)', detail, violations }, 'application/problem+json');
        return;
      }
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    } catch {
      answer.resume();
      failed('the upstream answer could not be relayed');
    }
  });
  outgoing.on('error', (error) => failed(error.message));
  outgoing.end(captured.body);
}

export async function startGate(options: GateOptions): Promise<Gate> {
  const refusal = createAuthCheck(options.apiKey, options.signingSecret, options.signatureVersion);
  const upstream = new URL(options.upstream);
  const log = new RequestLog(options.capture ?? 1000);

  const server = createHost(
    async (captured, _raw, response) => {
      log.add(captured);
      const refused = await refusal(captured.method, captured.headers, captured.body);
      if (refused) return answerJson(response, 403, { type: refused });
      // What Prism's server would fail on (a 500) is refused here: a content type that is not a media type...
      const contentType = captured.headers['content-type'];
      if (contentType !== undefined && !MEDIA_TYPE.test(contentType)) {
        return answerJson(response, 400, { type: 'invalid_content_type', detail: 'content-type must be a media type such as application/json' });
      }
      // ...and a JSON body that is not JSON (Prism answers a plain-text 400) or too deep for its validator,
      // which walks it recursively.
      const mediaType = contentType?.split(';')[0]!.trim().toLowerCase();
      if (captured.body.length > 0 && (mediaType === undefined || mediaType === 'application/json' || mediaType.endsWith('+json'))) {
        const read = readJson(captured.body);
        if ('problem' in read) return answerJson(response, 422, { type: 'mock_request_invalid', title: 'The request breaks the spec (mock)', detail: read.problem }, 'application/problem+json');
      } else if (nestsDeeperThan(captured.body)) {
        return answerJson(response, 422, { type: 'mock_request_invalid', title: 'The request breaks the spec (mock)', detail: `body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels` }, 'application/problem+json');
      }
      forward(upstream, captured, response);
    },
    { name: 'mock', maxBodyBytes: options.maxBodyBytes, log: options.log },
  );
  const listening = await listen(server, options.host, options.port);
  return { url: listening.url, stop: listening.stop, requests: log.entries };
}
