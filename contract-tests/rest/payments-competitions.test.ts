import { describeOperation, expectRejectedBeforeNetwork } from '../harness/contract';

describeOperation('listClientBankcards', {
  call: (client, init) => client.GET('/public/v1/payments/{user_id}/bankcards', { ...init, params: { path: { user_id: '3fA9kQ2z' } } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/payments/3fA9kQ2z/bankcards' },
});

describeOperation('getCompetitionLeaderboard', {
  call: (client, init) => client.GET('/public/v1/tradingCompetition/leaderboard', { ...init, params: { query: { competition_id: 'Cmp00001', limit: 10 } } }),
  status: 200,
  sent: { method: 'GET', path: '/public/v1/tradingCompetition/leaderboard', query: 'competition_id=Cmp00001&limit=10' },
  more(mock) {
    it('refuses limit 0 before the network', () =>
      expectRejectedBeforeNetwork(
        mock,
        (c) => c.GET('/public/v1/tradingCompetition/leaderboard', { params: { query: { competition_id: 'Cmp00001', limit: 0 } } }),
        /^getCompetitionLeaderboard: query\.limit must be >= 1$/,
      ));
  },
});
