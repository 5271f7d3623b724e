// Server-side tokens for one signed-in user: the access token, refreshed shortly before it expires, by at most
// one refresh at a time however many callers wait (single flight); the rotated refresh token handed to a
// callback that stores it (so a restart does not sign the user out); a refused refresh surfaced as
// SignInRequiredError.
import { OAuthError, SignInRequiredError } from '../core/errors';
import type { OAuthClient, OAuthTokenSet } from './oauth-client';

/**
 * The tokens as stored: the CRM's own token set (snake_case, as `exchangeCode`, `passwordGrant`, `verify` and
 * `refresh` return it) and `expires_at`, when the access token expires (ms since the epoch). One shape
 * everywhere: what a grant gives, `onTokens` stores and the holder takes back are the same.
 */
export type StoredTokens = OAuthTokenSet & {
  expires_at: number;
  /** @deprecated the 0.1 camelCase names, kept as non-enumerable aliases: use `access_token`. */
  readonly accessToken: string;
  /** @deprecated use `refresh_token`. */
  readonly refreshToken: string;
  /** @deprecated use `expires_at`. */
  readonly expiresAt: number;
};

/** @deprecated the 0.1 camelCase shape, still accepted as `tokens`. */
export interface LegacyStoredTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

export interface TokenHolderOptions {
  client: Pick<OAuthClient, 'refresh'>;
  /** The tokens from a grant (`expires_in` counted from now), or ones you stored (`expires_at`). */
  tokens: OAuthTokenSet | (OAuthTokenSet & { expires_at: number }) | LegacyStoredTokens;
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

/** The stored shape, with the deprecated camelCase names as non-enumerable aliases (so not in JSON). */
function stored(tokens: OAuthTokenSet | (OAuthTokenSet & { expires_at?: number }) | LegacyStoredTokens, now: number): StoredTokens {
  const set: OAuthTokenSet & { expires_at: number } =
    'access_token' in tokens
      ? { ...tokens, expires_at: typeof tokens.expires_at === 'number' ? tokens.expires_at : now + tokens.expires_in * 1000 }
      : { access_token: tokens.accessToken, refresh_token: tokens.refreshToken, token_type: 'Bearer', expires_in: Math.max(1, Math.round((tokens.expiresAt - now) / 1000)), expires_at: tokens.expiresAt };
  return Object.defineProperties(set, {
    accessToken: { get: () => set.access_token },
    refreshToken: { get: () => set.refresh_token },
    expiresAt: { get: () => set.expires_at },
  }) as StoredTokens;
}

export function createTokenHolder({ client, tokens, onTokens, refreshBeforeMs = 60_000, now = Date.now }: TokenHolderOptions): TokenHolder {
  let current = stored(tokens, now());
  let inFlight: Promise<StoredTokens> | undefined;
  let refused: SignInRequiredError | undefined;

  function refresh(): Promise<StoredTokens> {
    if (refused) return Promise.reject(refused);
    inFlight ??= (async () => {
      try {
        const next = stored(await client.refresh(current.refresh_token), now());
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
      if (now() < current.expires_at - refreshBeforeMs && !refused) return current.access_token;
      return (await refresh()).access_token;
    },
    refresh,
    get expiresAt() {
      return current.expires_at;
    },
  };
}
