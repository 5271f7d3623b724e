import { describeOperation } from '../harness/contract';

describeOperation('listTradingConnections', {
  call: (client, init) => client.GET('/public/v1/connections', init),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/connections' },
});
