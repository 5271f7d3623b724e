// What the sandbox's Client OAuth remembers: issued codes (single use), refresh tokens (rotated), MFA steps,
// each user's MFA setting, and password-reset requests (rate-limited).

export type MfaSetting = 'off' | 'required' | 'activated';

export interface OAuthState {
  codes: Map<string, { clientId: string; redirectUri: string; challenge: string; userId: string; expiresAt: number }>;
  refreshTokens: Map<string, { userId: string; clientId: string; active: boolean }>;
  mfaTokens: Map<string, { userId: string; expiresAt: number }>;
  /** user id → MFA setting; users not listed have MFA off. */
  mfa: Record<string, MfaSetting>;
  /** user name → when a reset was last requested. */
  resets: Map<string, number>;
  /** Refresh grants answered (for tests of single-flight refreshing). */
  refreshes: number;
}

export const emptyOAuthState = (): OAuthState => ({
  codes: new Map(),
  refreshTokens: new Map(),
  mfaTokens: new Map(),
  // Seeded: Ian signs in with an authenticator; Sub1Ib02 must enrol first; everyone else has MFA off.
  mfa: { Ib9Xw4Qe: 'activated', Sub1Ib02: 'required' },
  resets: new Map(),
  refreshes: 0,
});
