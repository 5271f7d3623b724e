// One operation's verdict from what its call brought back: the cases the drifted CRM does not show.
import { responseSchemas } from '../../generated/crm-rest.response-schemas';
import { judge } from '../../src/testing/verify/verdict';
import { responseValidators, type ResponseSchemas } from '../../src/testing/verify/response-validators';

const validators = responseValidators(responseSchemas as ResponseSchemas);
const answer = (status: number, body: unknown = undefined) => ({ answer: { status, body: body === undefined ? ({ kind: 'none' } as const) : ({ kind: 'json', value: body } as const) } });

it('a 403 refusing the credentials is unreachable, not conforming', () => {
  expect(judge('createLead', true, answer(403, { type: 'invalid_signature' }), validators)).toMatchObject({ verdict: 'unreachable', status: 403, reason: expect.stringContaining('refused this run\'s credentials (403 invalid_signature)') });
});

it('a body where none is documented, and none where one is, are drift', () => {
  expect(judge('sendRegistrationOtp', false, answer(204, { ok: true }), validators)).toMatchObject({ verdict: 'drift', violations: [{ path: '$', rule: 'no body is documented', came: 'a JSON body' }] });
  expect(judge('listClients', false, answer(200), validators)).toMatchObject({ verdict: 'drift', violations: [{ path: '$', rule: 'a JSON body is documented', came: 'no body' }] });
  expect(judge('sendRegistrationOtp', false, answer(204), validators)).toEqual({ verdict: 'conforms', status: 204, violations: [] });
});

it('an inferred operation answering 405 refutes its guess; a documented one answering 405 is an undocumented status', () => {
  expect(judge('getCountries', true, answer(405), validators)).toMatchObject({ verdict: 'refuted-guess', reason: "answered 405: the inferred method is not the CRM's (documented: 200, 403)" });
  expect(judge('listClients', false, answer(405), validators)).toMatchObject({ verdict: 'undocumented-status', reason: 'answered 405; documented: 200, 400, 403' });
});

it('tells at most 50 violations, and how many more there were', () => {
  const records = Array.from({ length: 60 }, () => ({ name: 'no id' }));
  const judged = judge('listClients', false, answer(200, { count: 60, records }), validators);
  expect(judged.violations).toHaveLength(50);
  expect(judged).toMatchObject({ verdict: 'drift', reason: '10 more violation(s) not listed' });
});

it('an input the client refused is skipped, no answer is unreachable', () => {
  expect(judge('createLead', true, { refused: 'createLead: body.phone is not signable with v1' }, validators)).toEqual({ verdict: 'skipped', violations: [], reason: 'not sent: createLead: body.phone is not signable with v1' });
  expect(judge('createLead', true, { failure: 'CrmConnectionError: the request was not sent (ECONNREFUSED)' }, validators)).toMatchObject({ verdict: 'unreachable' });
});
