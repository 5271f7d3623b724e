// The webhook events the sandbox fires, built in the shapes of the webhooks spec (and checked against it by
// the tests): a user created, each approval node or the rejection of a withdrawal request, a KYC decision, and
// of a transfer or prop-trading request (those from the spec's example of the event, with the request's fields).
import { crmTimestamp } from './clock';
import { unitsText } from './money';
import { webhookBody } from '../crm-calls';
import type { SandboxBackOfficeRequest, SandboxClient, SandboxWithdrawalRequest } from './state';

export type SandboxEvent =
  | { kind: 'user-created'; client: SandboxClient; creationType: 'admin_created' | 'self_registration' }
  | { kind: 'withdrawal'; request: SandboxWithdrawalRequest; decision: 'approve' | 'reject'; node: number }
  | { kind: 'kyc'; client: SandboxClient; requestId: string; decision: 'approve' | 'reject' }
  | { kind: 'back-office'; request: SandboxBackOfficeRequest; decision: 'approve' | 'reject'; node: number };

const envelope = (service: string, group: string, event: string, target: string, data: object) => ({
  source: { service, group: `crm.webhooks.groups.${group}`, event: `crm.webhooks.${event}` },
  target: { name: target },
  version: '1.0.0',
  data,
});

/** The delivery body of an event, at `nowMs` on the sandbox's clock. */
export function eventBody(event: SandboxEvent, nowMs: number): object {
  if (event.kind === 'back-office') {
    const r = event.request;
    const slug = event.decision === 'approve' ? `requests.${r.type}.approve.node.${event.node}` : `requests.${r.type}.reject`;
    // The fields the sandbox knows; the rest (amounts, accounts, challenge details) as the spec's example shows them.
    return webhookBody(slug, { id: r.id, user_id: r.user_id, status: r.status, request_time: crmTimestamp(r.atMs) });
  }
  if (event.kind === 'user-created') {
    const c = event.client;
    return envelope('admin-api', 'users.create', 'users.create', 'Sandbox user created', {
      client_id: c.id, client_name: c.name ?? c.email, email: c.email, phone: { number: c.phone?.number ?? '', country_code: c.phone?.country_code ?? '' },
      create_time: nowMs, creation_type: event.creationType,
    });
  }
  if (event.kind === 'withdrawal') {
    const r = event.request;
    // Each approval node has its own event; the rejection is one event, whatever node it happened at.
    const slug = event.decision === 'approve' ? `requests.withdrawal.approve.node.${event.node}` : 'requests.withdrawal.reject';
    const amount = unitsText(r.amount);
    return envelope('requests', 'requests.withdrawal', slug, 'Sandbox withdrawals', {
      id: r.id, type: 'withdrawal', status: r.status, user_id: r.user_id, request_time: crmTimestamp(r.atMs), trading_id: r.login, trading_platform: r.platform,
      trading_connection_id: r.connection_id, trading_currency: r.currency, trading_amount: amount, withdrawal_method: r.withdrawal_method, withdrawal_currency: r.currency,
      exchange_rate: '1', converted_amount: Number(amount), withdrawal_fee: '0.00', withdrawal_amount: amount, custom_fields: [],
    });
  }
  const c = event.client;
  const slug = event.decision === 'approve' ? 'requests.kyc.approve.node.1' : 'requests.kyc.reject';
  return envelope('requests', 'requests.kyc', slug, 'Sandbox KYC', {
    id: event.requestId, type: 'kyc', status: event.decision === 'approve' ? 'approved' : 'rejected', user_id: c.id, request_time: crmTimestamp(nowMs),
    form_id: c.kyc_form_id ?? '', collection_id: '', kyc_fields: c.kyc_form, kyc_flow: { total_steps: 1, current_steps: 1 },
  });
}
