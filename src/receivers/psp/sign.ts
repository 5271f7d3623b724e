// The PSP Open API's `sign`: the shared SHA-1 parameter signature keyed by the `crm-pay-token`.
// See params-signature.ts for the construction and every decision the vendor's page leaves open.
import { sha1ParamsSignature, verifySha1ParamsSignature, type SignedParams } from '../../core/signatures/sha1-params';

/**
 * The `sign` of a PSP body: non-empty parameters except `sign`, sorted by key, `k=v&…`, the token appended,
 * SHA-1, upper-case hex. `params` may contain `sign`; it is ignored.
 */
export function pspSign(params: SignedParams, crmPayToken: string): Promise<string> {
  if (typeof crmPayToken !== 'string' || crmPayToken === '') throw new TypeError('pspSign: `crmPayToken` is required');
  return sha1ParamsSignature(params, crmPayToken);
}

/** Whether `params.sign` is the `sign` of the rest of `params` under the token (constant-time; never throws). */
export function pspVerify(params: SignedParams, crmPayToken: string): Promise<boolean> {
  return verifySha1ParamsSignature(params, crmPayToken, params?.sign);
}
