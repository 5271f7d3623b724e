import { describeOperation } from '../harness/contract';

describeOperation('listTradingAccountTypes', {
  call: (client, init) => client.GET('/public/v1/trading-accounts/types', init),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/trading-accounts/types' },
});
