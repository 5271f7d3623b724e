// Withdrawal requests (created through the control API): each approve passes one approval node and the last
// one approves the request; reject ends it. A request no longer pending answers `request_status_not_pending`,
// as a running integration observed. Each step sends its webhook.
import { refuse, type OperationHandler } from './context';

export const requestOperations: Record<string, OperationHandler> = {
  approveWithdrawalRequest: ({ op, body }, context) => {
    const request = context.state.withdrawalRequests.get(body.id);
    // An unknown id gets the only documented refusal (the CRM documents no "not found" here).
    if (!request || request.status !== 'pending') return refuse(op, 400, 'request_status_not_pending');
    request.approved_nodes += 1;
    if (request.approved_nodes === request.steps) {
      request.status = 'approved';
      context.state.transactions.push({
        id: `Tx${context.state.ids.id(7)}`, user_id: request.user_id, type: 'withdrawal', currency: request.currency, amount: request.amount, atMs: context.clock.now(),
        comment: body.comment, trading_platform: request.platform, trading_connection_id: request.connection_id, trading_id: String(request.login),
        status: 'approved', extra: { ref_id: request.id, withdrawal_method: request.withdrawal_method },
      });
    }
    context.emit({ kind: 'withdrawal', request, decision: 'approve', node: request.approved_nodes });
    return { status: 200, body: {} };
  },
  rejectWithdrawalRequest: ({ op, body }, context) => {
    const request = context.state.withdrawalRequests.get(body.id);
    if (!request || request.status !== 'pending') return refuse(op, 400, 'request_status_not_pending');
    request.status = 'rejected';
    request.comment = body.comment;
    context.emit({ kind: 'withdrawal', request, decision: 'reject', node: request.approved_nodes + 1 });
    return { status: 200, body: {} };
  },
};
