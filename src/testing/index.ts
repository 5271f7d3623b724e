// crm-open-api/testing: a local CRM for your own tests and demos: the static mock (Prism answering from the
// spec's examples) and the stateful sandbox; verifyCrm, your real CRM checked against the spec; and
// checkReceiver, your own servers (webhooks, PSP /pay/url, rates, wallets) checked as the CRM calls them. Re-exports only.
export { startMockCrm } from './mock/mock-crm';
export type { MockCrm, MockCrmOptions, CapturedRequest } from './mock/mock-crm';
export { startSandboxCrm } from './sandbox/server';
export type { SandboxCrm, SandboxCrmOptions } from './sandbox/server';
export type { SandboxFixture, WithdrawalRequestInput, SandboxStateSnapshot as SandboxState } from './sandbox/state';
export type { FaultRule, FaultKind } from './sandbox/faults';
export type { SandboxDelivery, WebhookTarget } from './sandbox/webhook-delivery';
export type { KycDecision, BackOfficeRequestInput, BackOfficeDecision } from './sandbox/control';
export type { OutwardTargets } from './sandbox/outward-calls';
export type { SandboxBackOfficeRequest, SandboxPspOrder, SandboxExternalWallet, SandboxExternalTransfer } from './sandbox/state';
export type { CrmCallRecord, CrmCallRequest, CrmCallAnswer, CrmCallVerdict, CrmCallError, CrmSurface } from './crm-calls';
export { SANDBOX_OTP } from './sandbox/operations/clients';
export { SANDBOX_OAUTH_CLIENT, SANDBOX_MFA_OTP } from './sandbox/oauth/client-oauth';
export { verifyCrm } from './verify/verify-crm';
export { VerifyAbortedError } from './verify/types';
export type { VerifyOptions, VerifyReport, OperationResult as VerifyResult, Verdict as VerifyVerdict, Violation as VerifyViolation, MoneyTarget, Tier as VerifyTier } from './verify/types';
export { reportText as verifyReportText } from './verify/report-text';
export { reportHtml as verifyReportHtml } from './verify/report-html';
export { reportJunit as verifyReportJunit } from './verify/report-junit';
export { reportIssue as verifyReportIssue } from './verify/report-issue';
export { checkReceiver, CRM_TIMEOUT_MS } from './receiver-check/check-receiver';
export { CheckAbortedError } from './receiver-check/types';
export type { CheckReceiverOptions, ConformanceReport, CaseResult as CheckCaseResult, CaseVerdict as CheckVerdict, CaseGroup as CheckCaseGroup, KitSurface as CheckSurface } from './receiver-check/types';
export { checkReportText, checkReportJunit } from './receiver-check/report';
