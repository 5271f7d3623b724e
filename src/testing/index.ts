// crm-open-api/testing: a local CRM for your own tests and demos: the static mock (Prism answering from the
// spec's examples) and the stateful sandbox. Re-exports only.
export { startMockCrm } from './mock/mock-crm';
export type { MockCrm, MockCrmOptions, CapturedRequest } from './mock/mock-crm';
export { startSandboxCrm } from './sandbox/server';
export type { SandboxCrm, SandboxCrmOptions } from './sandbox/server';
export type { SandboxFixture, WithdrawalRequestInput } from './sandbox/state';
export type { FaultRule, FaultKind } from './sandbox/faults';
export type { SandboxDelivery, WebhookTarget } from './sandbox/webhook-delivery';
export type { KycDecision } from './sandbox/control';
export { SANDBOX_OTP } from './sandbox/operations/clients';
export { SANDBOX_OAUTH_CLIENT, SANDBOX_MFA_OTP } from './sandbox/oauth/client-oauth';
