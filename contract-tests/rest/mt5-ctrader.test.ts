import { describeOperation, expectRejectedBeforeNetwork } from '../harness/contract';

describeOperation('getMt5ConnectionInfo', {
  call: (client, init) => client.GET('/public/v1/mt5/connection', { ...init, params: { query: { connection_id: 'Cn5Mt001' } } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/mt5/connection', query: 'connection_id=Cn5Mt001' },
});

describeOperation('listMt5Accounts', {
  call: (client, init) => client.GET('/public/v1/mt5/accounts', { ...init, params: { query: { connection_id: 'Cn5Mt001' } } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/mt5/accounts', query: 'connection_id=Cn5Mt001' },
});

const mt5Account = { connection_id: 'Cn5Mt001', group: 'real-pro', leverage: 1, master_password: 'Trade#2024x', investor_password: 'Inv3st!or' };
describeOperation('createMt5Account', {
  call: (client, init) => client.POST('/public/v1/users/{user_id}/mt5/accounts', { ...init, params: { path: { user_id: '3fA9kQ2z' } }, body: mt5Account }),
  status: 200,
  sent: { method: 'POST', path: '/public/v1/users/3fA9kQ2z/mt5/accounts', body: mt5Account },
  more(mock) {
    it('refuses an MT4-strength password (no special character) before the network', () =>
      expectRejectedBeforeNetwork(
        mock,
        (c) => c.POST('/public/v1/users/{user_id}/mt5/accounts', { params: { path: { user_id: '3fA9kQ2z' } }, body: { ...mt5Account, investor_password: 'Trade2024' } }),
        /^createMt5Account: body\.investor_password must have 8–15 characters with a lower-case letter, an upper-case letter, a digit and a special character$/,
      ));
  },
});

describeOperation('getCtraderConnectionInfo', {
  call: (client, init) => client.GET('/public/v1/ctrader/connection', { ...init, params: { query: { connection_id: 'CnCt0001' } } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/ctrader/connection', query: 'connection_id=CnCt0001' },
});

describeOperation('listCtraderAccounts', {
  call: (client, init) =>
    client.GET('/public/v1/ctrader/accounts', { ...init, params: { query: { connection_id: 'CnCt0001', skip: 0, limit: 25, user_id: '3fA9kQ2z' } } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/ctrader/accounts', query: 'connection_id=CnCt0001&skip=0&limit=25&user_id=3fA9kQ2z' },
  more(mock) {
    it('refuses a missing connection_id before the network', () =>
      expectRejectedBeforeNetwork(mock, (c) => c.GET('/public/v1/ctrader/accounts', { params: { query: {} as never } }), /^listCtraderAccounts: query\.connection_id is required$/));
  },
});
