import { describeOperation, expectRejectedBeforeNetwork } from '../harness/contract';

describeOperation('getFixedCommissionReport', {
  call: (client, init) => client.GET('/public/v1/report/commissions/fixed', { ...init, params: { query: { skip: 0, limit: 100 } } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/report/commissions/fixed', query: 'skip=0&limit=100' },
});

describeOperation('getFlexibleCommissionReport', {
  call: (client, init) => client.GET('/public/v1/report/commissions/flexible', { ...init, params: { query: { skip: 100, limit: 100 } } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/report/commissions/flexible', query: 'skip=100&limit=100' },
  more(mock) {
    it('refuses a negative skip before the network', () =>
      expectRejectedBeforeNetwork(
        mock,
        (c) => c.GET('/public/v1/report/commissions/flexible', { params: { query: { skip: -1, limit: 10 } } }),
        /^getFlexibleCommissionReport: query\.skip must be >= 0$/,
      ));
  },
});

const report = { skip: 0, limit: 100, start: '2024-04-01', end: '2024-05-01', user_id: '3fA9kQ2z', transaction_id: 'psp-77810021', type: ['deposit', 'withdrawal'] };
describeOperation('getTransactionsReport', {
  call: (client, init) => client.POST('/public/v1/report/transactions', { ...init, body: report }),
  status: 200,
  sent: { method: 'POST', path: '/public/v1/report/transactions', body: report },
  more(mock) {
    it('refuses a type given as a string, not an array, before the network', () =>
      expectRejectedBeforeNetwork(
        mock,
        (c) => c.POST('/public/v1/report/transactions', { body: { ...report, type: 'deposit' } as never }),
        /^getTransactionsReport: body\.type must be array$/,
      ));
  },
});
