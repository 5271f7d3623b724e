// Look-ups the sandbox does not simulate: the documented example, but for a user that does not exist the
// documented "not found" (so a typo in a test fails as it would against the CRM).
import { exampleAnswer, refuse, type OperationHandler } from './context';

const exampleForKnownUser = (field: 'query' | 'path', notFound: string): OperationHandler => (call, { state }) => {
  const userId = call[field].user_id;
  return state.clients.has(userId) ? exampleAnswer(call.op) : refuse(call.op, 400, notFound);
};

export const lookupOperations: Record<string, OperationHandler> = {
  listClientBankcards: exampleForKnownUser('path', 'invalid_request'),
  listClientKycForms: exampleForKnownUser('query', 'user_not_found'),
  getClientKycForm: exampleForKnownUser('query', 'user_not_found'),
};
