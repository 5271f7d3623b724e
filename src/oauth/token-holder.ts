// Server-side tokens for one signed-in user: the access token, refreshed shortly before it expires, by at most
// one refresh at a time however many callers wait (single flight); the rotated refresh token handed to a
// callback that stores it (so a restart does not sign the user out); a refused refresh surfaced as
// SignInRequiredError.
import { OAuthError, SignInRequiredError } from '../core/errors';
import type { OAuthClient, OAuthTokenSet } from './oauth-client';

export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (ms since the epoch). */
  expiresAt: number;
}

export interface TokenHolderOptions {
  client: Pick<OAuthClient, 'refresh'>;
  /** The tokens from a grant (`expires_in` counted from now), or ones you stored. */
  tokens: OAuthTokenSet | StoredTokens;
  /** Called with every new token set, before it is used: store the rotated refresh token here. */
  onTokens?: (tokens: StoredTokens) => Promise<void> | void;
  /** Refresh this long before expiry (default 60 000 ms). */
  refreshBeforeMs?: number;
  /** The clock (ms); default Date.now. */
  now?: () => number;
}

export interface TokenHolder {
  /** A valid access token, refreshing first when it is about to expire; throws SignInRequiredError when refused. */
  getAccessToken(): Promise<string>;
  /** Refreshes now (still one at a time). */
  refresh(): Promise<StoredTokens>;
  /** When the current access token expires (ms). */
  readonly expiresAt: number;
}

const stored = (tokens: OAuthTokenSet | StoredTokens, now: number): StoredTokens =>
  typeof tokens.accessToken === 'string'
    ? (tokens as StoredTokens)
    : { accessToken: (tokens as OAuthTokenSet).access_token, refreshToken: (tokens as OAuthTokenSet).refresh_token, expiresAt: now + (tokens as OAuthTokenSet).expires_in * 1000 };

export function createTokenHolder({ client, tokens, onTokens, refreshBeforeMs = 60_000, now = Date.now }: TokenHolderOptions): TokenHolder {
  let current = stored(tokens, now());
  let inFlight: Promise<StoredTokens> | undefined;
  let refused: SignInRequiredError | undefined;

  function refresh(): Promise<StoredTokens> {
    if (refused) return Promise.reject(refused);
    inFlight ??= (async () => {
      try {
        const next = stored(await client.refresh(current.refreshToken), now());
        await onTokens?.(next); // stored before use: a crash now leaves the new refresh token, not the spent one
        current = next;
        return next;
      } catch (error) {
        if (error instanceof OAuthError && error.error === 'invalid_grant') {
          refused = new SignInRequiredError('the refresh token was refused: the user must sign in again', { cause: error });
          throw refused;
        }
        throw error;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  }

  return {
    async getAccessToken() {
      if (now() < current.expiresAt - refreshBeforeMs && !refused) return current.accessToken;
      return (await refresh()).accessToken;
    },
    refresh,
    get expiresAt() {
      return current.expiresAt;
    },
  };
}
