import { describeOperation, expectRejectedBeforeNetwork } from '../harness/contract';

describeOperation('getWalletBalances', {
  call: (client, init) => client.GET('/public/v1/wallets', { ...init, params: { query: { user_id: '3fA9kQ2z' } } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/wallets', query: 'user_id=3fA9kQ2z' },
});

const update = { user_id: '3fA9kQ2z', currency: 'USD', amount: -75.25, order_id: 'ord-2024-0000001' };
describeOperation('updateWalletBalance', {
  call: (client, init) => client.PATCH('/public/v1/wallets/balance', { ...init, body: update }),
  status: 200,
  sent: { method: 'PATCH', path: '/public/v1/wallets/balance', body: update },
  more(mock) {
    it('refuses a 15-character order_id and a zero amount before the network', async () => {
      await expectRejectedBeforeNetwork(
        mock,
        (c) => c.PATCH('/public/v1/wallets/balance', { body: { ...update, order_id: 'ord-2024-000000' } }),
        /^updateWalletBalance: body\.order_id must NOT have fewer than 16 characters$/,
      );
      await expectRejectedBeforeNetwork(mock, (c) => c.PATCH('/public/v1/wallets/balance', { body: { ...update, amount: 0 } }), /^updateWalletBalance: body\.amount must not be 0$/);
    });
  },
});

describeOperation('getWalletBalanceOrder', {
  call: (client, init) => client.GET('/public/v1/wallets/balance/{order_id}', { ...init, params: { path: { order_id: 'ord-2024-0000001' } } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/wallets/balance/ord-2024-0000001' },
});
