import { describeOperation, expectRejectedBeforeNetwork } from '../harness/contract';
import { expectDocumentedAnswer } from '../harness/expectations';

describeOperation('getMt4ConnectionInfo', {
  call: (client, init) => client.GET('/public/v1/mt4/connection', { ...init, params: { query: { connection_id: 'Cn4Mt001' } } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/mt4/connection', query: 'connection_id=Cn4Mt001' },
});

describeOperation('listMt4Accounts', {
  call: (client, init) =>
    client.GET('/public/v1/mt4/accounts', { ...init, params: { query: { connection_id: 'Cn4Mt001', skip: 0, limit: 500, user_id: '3fA9kQ2z' } } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/mt4/accounts', query: 'connection_id=Cn4Mt001&skip=0&limit=500&user_id=3fA9kQ2z' },
  more(mock) {
    it('refuses limit 501 before the network', () =>
      expectRejectedBeforeNetwork(
        mock,
        (c) => c.GET('/public/v1/mt4/accounts', { params: { query: { connection_id: 'Cn4Mt001', limit: 501 } } }),
        /^listMt4Accounts: query\.limit must be <= 500$/,
      ));
  },
});

const mt4Account = {
  connection_id: 'Cn4Mt001',
  group: 'real-standard',
  leverage: 5000,
  login: 200118,
  account_type_id: 'AccTyp01',
  rebate_user_id: 'Ib9Xw4Qe',
  master_password: 'abc12',
  investor_password: 'Trade2024',
  enable_readonly: false,
  enable_rebate: false,
  send_email: true,
  send_pop_up: false,
  language: 'de' as const,
};
describeOperation('createMt4Account', {
  call: (client, init) => client.POST('/public/v1/users/{user_id}/mt4/accounts', { ...init, params: { path: { user_id: '3fA9kQ2z' } }, body: mt4Account }),
  status: 200,
  sent: { method: 'POST', path: '/public/v1/users/3fA9kQ2z/mt4/accounts', body: mt4Account },
  more(mock) {
    const create = (body: Record<string, unknown>) => (c: Parameters<Parameters<typeof expectRejectedBeforeNetwork>[1]>[0]) =>
      c.POST('/public/v1/users/{user_id}/mt4/accounts', { params: { path: { user_id: '3fA9kQ2z' } }, body: { ...mt4Account, ...body } as never });
    it('refuses leverage 0 and 5001 before the network', async () => {
      await expectRejectedBeforeNetwork(mock, create({ leverage: 0 }), /^createMt4Account: body\.leverage must be >= 1$/);
      await expectRejectedBeforeNetwork(mock, create({ leverage: 5001 }), /^createMt4Account: body\.leverage must be <= 5000$/);
    });
    it('refuses a 4-character password without quoting it', async () => {
      await expectRejectedBeforeNetwork(mock, create({ master_password: 'ab1C' }), /body\.master_password must NOT have fewer than 5 characters/);
      await expectRejectedBeforeNetwork(mock, create({ master_password: 'abcdefgh' }), /^createMt4Account: body\.master_password must have 5–15 characters with at least two of/);
      await expectRejectedBeforeNetwork(mock, create({ master_password: 'abcdefgh' }), /^(?!.*abcdefgh)/);
    });
    it('refuses an unknown field and a wrong user id length', async () => {
      await expectRejectedBeforeNetwork(mock, create({ levrage: 100 }), /body\.levrage is not a known field/);
      await expectRejectedBeforeNetwork(
        mock,
        (c) => c.POST('/public/v1/users/{user_id}/mt4/accounts', { params: { path: { user_id: 'short' } }, body: mt4Account }),
        /path\.user_id must NOT have fewer than 8 characters/,
      );
    });
  },
});

const deposit = { connection_id: 'Cn4Mt001', currency: 'USD', amount: '250.00', comment: 'crm-dep-20240510-0001', user_id: '3fA9kQ2z', send_email: true, send_pop_up: true, language: 'en-us' as const };
describeOperation('depositToMt4Account', {
  call: (client, init) => client.POST('/public/v1/mt4/accounts/{login}/deposit', { ...init, params: { path: { login: 200118 } }, body: deposit }),
  status: 204,
  prefer: 'code=204',
  sent: { method: 'POST', path: '/public/v1/mt4/accounts/200118/deposit', body: deposit },
  more(mock) {
    it('tells "done now" (204, no data) from "already done" (200 {repeat: true})', async () => {
      const call = (prefer: string) =>
        mock.client().POST('/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login: 200118 } }, body: deposit, headers: { Prefer: prefer } });
      const now = await call('code=204');
      expectDocumentedAnswer('depositToMt4Account', now, 204);
      expect(now.data).toBeUndefined();
      const repeat = await call('code=200');
      expectDocumentedAnswer('depositToMt4Account', repeat, 200);
      expect(repeat.data).toEqual({ repeat: true });
    });
    it('refuses a numeric amount and a malformed decimal string before the network', async () => {
      const send = (amount: unknown) => (c: Parameters<Parameters<typeof expectRejectedBeforeNetwork>[1]>[0]) =>
        c.POST('/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login: 200118 } }, body: { ...deposit, amount } as never });
      await expectRejectedBeforeNetwork(mock, send(250), /^depositToMt4Account: body\.amount must be string$/);
      await expectRejectedBeforeNetwork(mock, send('1.123456789'), /body\.amount must be a positive decimal string with at most 12 digits before the point and 8 after it/);
      await expectRejectedBeforeNetwork(mock, send('0'), /body\.amount must be a positive decimal string/);
    });
  },
});

const withdrawal = { connection_id: 'Cn4Mt001', currency: 'USD', amount: '100.5', comment: 'crm-wd-20240510-0001' };
describeOperation('withdrawFromMt4Account', {
  call: (client, init) => client.POST('/public/v1/mt4/accounts/{login}/withdrawal', { ...init, params: { path: { login: 200118 } }, body: withdrawal }),
  status: 204,
  sent: { method: 'POST', path: '/public/v1/mt4/accounts/200118/withdrawal', body: withdrawal },
  more(mock) {
    it('refuses a missing comment before the network', () =>
      expectRejectedBeforeNetwork(
        mock,
        (c) => c.POST('/public/v1/mt4/accounts/{login}/withdrawal', { params: { path: { login: 200118 } }, body: { ...withdrawal, comment: undefined } as never }),
        /^withdrawFromMt4Account: body\.comment is required$/,
      ));
  },
});

describeOperation('listMt4Trades', {
  call: (client, init) =>
    client.GET('/public/v1/mt4/trades', {
      ...init,
      params: { query: { connection_id: 'Cn4Mt001', type: 'closed', start: '2024-04-01', end: '2024-05-01', skip: 10, limit: 10, login: 200118, order_id: 9000123 } },
    }),
  status: 200,
  sent: {
    method: 'GET',
    path: '/public/v1/mt4/trades',
    query: 'connection_id=Cn4Mt001&type=closed&start=2024-04-01&end=2024-05-01&skip=10&limit=10&login=200118&order_id=9000123',
  },
  more(mock) {
    it('refuses a date that is not YYYY-MM-DD before the network', () =>
      expectRejectedBeforeNetwork(
        mock,
        (c) => c.GET('/public/v1/mt4/trades', { params: { query: { connection_id: 'Cn4Mt001', type: 'closed', start: '01-04-2024', end: '2024-05-01' } } }),
        /query\.start must match format "date"/,
      ));
  },
});
