import { describeOperation } from '../harness/contract';
import { expectDocumentedAnswer, expectSentRequest } from '../harness/expectations';

describeOperation('listClients', {
  call: (client, init) =>
    client.GET('/public/v1/users', { ...init, params: { query: { skip: 0, limit: 50, type: 'trader', suspended: false } } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/users', query: 'skip=0&limit=50&type=trader&suspended=false' },
  more(mock) {
    it('sends only the required query when no filter is given', async () => {
      const result = await mock.client().GET('/public/v1/users', { params: { query: { skip: 500, limit: 500 } } });
      expectDocumentedAnswer('listClients', result, 200);
      expectSentRequest('listClients', mock.lastRequest(), { method: 'GET', path: '/public/v1/users', query: 'skip=500&limit=500' });
    });
  },
});

describeOperation('getClient', {
  call: (client, init) =>
    client.GET('/public/v1/users/{id}', { ...init, params: { path: { id: '3fA9kQ2z' }, query: { owner: true, participants: true } } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/users/3fA9kQ2z', query: 'owner=true&participants=true' },
});

describeOperation('getClientRegistrationDetails', {
  call: (client, init) => client.GET('/public/v1/users/{id}/details', { ...init, params: { path: { id: '3fA9kQ2z' } } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/users/3fA9kQ2z/details' },
});

describeOperation('getClientKycDetails', {
  call: (client, init) => client.GET('/public/v1/users/{id}/kyc', { ...init, params: { path: { id: '3fA9kQ2z' } } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/users/3fA9kQ2z/kyc' },
});

const credentials = { email: 'jane.doe@mail.test', password: 'S3cret-pass' };
describeOperation('validateClientCredentials', {
  call: (client, init) => client.POST('/public/v1/users/validate', { ...init, body: credentials }),
  status: 200,
  sent: { method: 'POST', path: '/public/v1/users/validate', body: credentials },
});

const newClient = {
  email: 'jane.doe@mail.test',
  phone: { country_code: '44', number: '7700900123' },
  password: 'S3cret-pass',
  repeat_password: 'S3cret-pass',
  update_password: false,
  form_id: 'Rf7Tg2Lp',
  referrer_id: 'Ib9Xw4Qe',
  send_email: true,
  language: 'en-us' as const,
  custom_fields: { first_name: 'Jane', last_name: 'Doe', 'città': 'Milano ✓' },
};
describeOperation('createClient', {
  call: (client, init) => client.POST('/public/v1/users/create', { ...init, body: newClient }),
  status: 201,
  sent: { method: 'POST', path: '/public/v1/users/create', body: newClient },
});

describeOperation('getClientUplines', {
  call: (client, init) => client.POST('/public/v1/users/uplines', { ...init, body: { user_id: '3fA9kQ2z' } }),
  status: 200,
  sent: { method: 'POST', path: '/public/v1/users/uplines', body: { user_id: '3fA9kQ2z' } },
});

describeOperation('getClientDownlines', {
  call: (client, init) => client.POST('/public/v1/users/downlines', { ...init, body: { email: 'ian.broker@mail.test' } }),
  status: 200,
  sent: { method: 'POST', path: '/public/v1/users/downlines', body: { email: 'ian.broker@mail.test' } },
});

const kyc = { form_id: 'Ky7Fm001', custom_fields: { id_number: 'X1234567', id_scan: ['id-front.png'] } };
describeOperation('submitClientKyc', {
  call: (client, init) =>
    client.POST('/public/v1/users/{user_id}/profile/submit', { ...init, params: { path: { user_id: '3fA9kQ2z' } }, body: kyc }),
  status: 200,
  sent: { method: 'POST', path: '/public/v1/users/3fA9kQ2z/profile/submit', body: kyc },
});
