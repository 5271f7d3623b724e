// Client OAuth: everything a broker's app needs to sign its clients in.
export { createPkcePair, pkceChallenge, createState } from './pkce';
export { buildLoginUrl, buildLogoutUrl, parseLoginCallback, OAUTH_SCOPE } from './login-urls';
export type { LoginUrlInput } from './login-urls';
export { createOAuthClient } from './oauth-client';
export type { OAuthClient, OAuthClientOptions, OAuthTokenSet, MfaRequired, MfaChallenge, MfaEnrolment, MfaStepMethods } from './oauth-client';
export { createTokenHolder } from './token-holder';
export type { TokenHolder, TokenHolderOptions, StoredTokens, LegacyStoredTokens } from './token-holder';
export { iframeLogin } from './iframe';
export type { IframeLoginInput, IframeAuthorizeMessage, IframeAnswerMessage } from './iframe';
export { OAuthError, OAuthLoginError, SignInRequiredError } from '../core/errors';
