import { describeOperation, expectRejectedBeforeNetwork } from '../harness/contract';

const approval = { id: 'Rq000042', send_email: true, notify: false, pop_up: true, language: 'en-us' as const };
describeOperation('approveWithdrawalRequest', {
  call: (client, init) => client.POST('/public/v1/requests/withdrawal/approve', { ...init, body: approval }),
  status: 200,
  sent: { method: 'POST', path: '/public/v1/requests/withdrawal/approve', body: approval },
  more(mock) {
    it('refuses an unknown field before the network', () =>
      expectRejectedBeforeNetwork(
        mock,
        (c) => c.POST('/public/v1/requests/withdrawal/approve', { body: { ...approval, amount: 10 } as never }),
        /^approveWithdrawalRequest: body\.amount is not a known field$/,
      ));
  },
});

const rejection = { id: 'Rq000043', comment: 'Bank details do not match the account holder — 名前が違います' };
describeOperation('rejectWithdrawalRequest', {
  call: (client, init) => client.POST('/public/v1/requests/withdrawal/reject', { ...init, body: rejection }),
  status: 200,
  sent: { method: 'POST', path: '/public/v1/requests/withdrawal/reject', body: rejection },
  more(mock) {
    it('refuses a rejection without a comment, or with one over 500 characters, before the network', async () => {
      await expectRejectedBeforeNetwork(
        mock,
        (c) => c.POST('/public/v1/requests/withdrawal/reject', { body: { id: 'Rq000043' } as never }),
        /^rejectWithdrawalRequest: body\.comment is required$/,
      );
      await expectRejectedBeforeNetwork(
        mock,
        (c) => c.POST('/public/v1/requests/withdrawal/reject', { body: { id: 'Rq000043', comment: 'x'.repeat(501) } }),
        /^rejectWithdrawalRequest: body\.comment must NOT have more than 500 characters$/,
      );
    });
  },
});
