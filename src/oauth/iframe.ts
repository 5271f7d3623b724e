// The iframe variant of the code flow: the app's page talks to the Client Portal, loaded in an iframe, with
// `postMessage`. Every message sent names the portal's origin as its target, and every message received is
// read only when it comes from that origin and carries this sign-in's `state`. The message shapes are a
// decision (spec/client-oauth.yaml): the vendor's sample is cut off before its script.
import { timingSafeEqualStrings } from '../core/same-secret';
import { OAuthLoginError } from '../core/errors';
import { authorizeRequest, originOf } from './login-urls';

/** What the app posts to the portal's frame. */
export interface IframeAuthorizeMessage {
  type: 'crm-oauth-authorize';
  client_id: string;
  scope: string;
  response_type: 'code';
  code_challenge_method: 'S256';
  code_challenge: string;
  state: string;
}

/** What the portal posts back: the code, or an error. */
export type IframeAnswerMessage = { type: 'crm-oauth-code'; code: string; state: string } | { type: 'crm-oauth-error'; error: string; error_description?: string; state: string };

/** The part of a window the helper uses (so it can be tested, and used from any frame). */
export interface MessagePort {
  addEventListener(type: 'message', listener: (event: { origin: string; data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { origin: string; data: unknown }) => void): void;
}

export interface IframeLoginInput {
  /** The Client Portal host (or its https origin): the only origin messages go to and are taken from. */
  portalHost: string;
  clientId: string;
  codeChallenge: string;
  state: string;
  /** The portal's frame (`iframe.contentWindow`). */
  frame: { postMessage(message: unknown, targetOrigin: string): void };
  /** Where answers arrive (the app's `window`). */
  window: MessagePort;
  /** Give up after this long (default 10 minutes). */
  timeoutMs?: number;
}

/**
 * Posts the PKCE request to the portal's frame and resolves with the code it posts back; rejects with
 * OAuthLoginError for an error answer or on timeout. Messages from any other origin, or with another
 * `state`, are ignored (and counted in `ignored`).
 */
export function iframeLogin({ portalHost, clientId, codeChallenge, state, frame, window, timeoutMs = 600_000 }: IframeLoginInput): Promise<{ code: string; ignored: number }> {
  const origin = originOf(portalHost, 'iframeLogin: `portalHost`').origin;
  const message: IframeAuthorizeMessage = { type: 'crm-oauth-authorize', ...authorizeRequest('iframeLogin', clientId, codeChallenge, state) };
  return new Promise((resolve, reject) => {
    let ignored = 0;
    const done = () => {
      clearTimeout(timer);
      window.removeEventListener('message', listener);
    };
    const listener = (event: { origin: string; data: unknown }) => {
      const data = event.data as Partial<IframeAnswerMessage> | null;
      const ours = event.origin === origin && typeof data?.state === 'string' && timingSafeEqualStrings(data.state, state);
      if (!ours || (data?.type !== 'crm-oauth-code' && data?.type !== 'crm-oauth-error')) {
        ignored += 1;
        return;
      }
      done();
      if (data.type === 'crm-oauth-code' && typeof data.code === 'string' && data.code !== '') resolve({ code: data.code, ignored });
      else if (data.type === 'crm-oauth-error') reject(new OAuthLoginError(`sign-in failed: ${data.error}`, String(data.error), data.error_description));
      else reject(new OAuthLoginError('the portal answered without a code', 'missing_code'));
    };
    const timer = setTimeout(() => {
      done();
      reject(new OAuthLoginError(`no answer from the portal within ${timeoutMs} ms`, 'timeout'));
    }, timeoutMs);
    window.addEventListener('message', listener);
    frame.postMessage(message, origin);
  });
}
