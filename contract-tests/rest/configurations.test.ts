import { describeOperation, expectRejectedBeforeNetwork } from '../harness/contract';

describeOperation('getCountries', {
  call: (client, init) => client.GET('/public/v1/configurations/countries', init),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/configurations/countries' },
});

describeOperation('getStates', {
  call: (client, init) => client.GET('/public/v1/configurations/states', { ...init, params: { query: { country: 'us' } } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/configurations/states', query: 'country=us' },
  more(mock) {
    it('refuses a missing country before the network', () =>
      expectRejectedBeforeNetwork(mock, (c) => c.GET('/public/v1/configurations/states', { params: { query: {} as never } }), /^getStates: query\.country is required$/));
  },
});

describeOperation('getCities', {
  call: (client, init) => client.GET('/public/v1/configurations/cities', { ...init, params: { query: { country: 'us', state: 'ca' } } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/configurations/cities', query: 'country=us&state=ca' },
});
