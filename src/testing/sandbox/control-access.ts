// Who may drive the control API (/__sandbox/*): its owner, a program on this machine, and nothing a web page
// can make a browser send. A page the developer visits can post to 127.0.0.1 (a form, `fetch` in no-cors mode)
// or rebind its own name to it (DNS rebinding); each such request shows in one of these headers.
import type { IncomingHttpHeaders } from 'node:http';
import type { SandboxAnswer } from './operations/context';
import { isLoopback } from '../../core/loopback';


/** `localhost`, `127.x.x.x` or `[::1]`, with exactly this port: a rebound name (`evil.example:4010`) is not. */
function isLoopbackHost(host: string | undefined, port: number): boolean {
  const match = /^(localhost|[\d.]+|\[[\da-f:.]+\]):(\d{1,5})$/i.exec(host ?? '');
  return !!match && isLoopback(match[1]) && Number(match[2]) === port;
}

const refuse = (type: string, detail: string): SandboxAnswer => ({ status: 403, body: { type, detail } });

/**
 * Why this request may not drive the control API (a 403 naming the rule), or undefined when it may: it must
 * come from a loopback address, name a loopback host with the sandbox's port (`Host`), carry no `Origin` but
 * the sandbox's own (a browser sends one with every cross-site POST), and send a body only as
 * `application/json` (a form or `text/plain` post from a page cannot; no content type is fine without a body).
 */
export function controlRefusal(remoteAddress: string | undefined, headers: IncomingHttpHeaders, hasBody: boolean, port: number): SandboxAnswer | undefined {
  if (!isLoopback(remoteAddress)) return refuse('control_api_loopback_only', 'the control API answers callers on this machine only');
  if (!isLoopbackHost(headers.host, port)) return refuse('control_api_host_refused', `Host must be localhost, 127.0.0.1 or [::1] with port ${port}`);
  const origin = headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${headers.host!.toLowerCase()}`) return refuse('control_api_origin_refused', "a request with an Origin header must come from the sandbox's own origin");
  if (hasBody || headers['content-type'] !== undefined) {
    const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') return refuse('control_api_json_only', 'a control request must send its body as content-type application/json');
  }
  return undefined;
}
