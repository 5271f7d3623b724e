// redisJournal (crm-open-api/redis) against a real redis-server on loopback: the rules every store keeps
// (harness/journal-rules.ts), settled intents kept for `keepSettledMs`, and claims raced over two connections:
// one winner each time.
import { redisJournal } from '../../src/redis/index';
import { itKeepsTheJournalRules, journalIntent as intent } from '../harness/journal-rules';
import { REDIS_SKIPPED, useRedisServer } from '../harness/redis-server';

const suite = REDIS_SKIPPED ? describe.skip : describe;
suite('redisJournal (real redis-server on 127.0.0.1)', () => {
  const { connect } = useRedisServer();

  itKeepsTheJournalRules(async () => redisJournal(await connect(), { prefix: '{rules}:' }));

  it('keeps settled intents for keepSettledMs, open ones until they are settled', async () => {
    const journal = redisJournal(await connect(), { prefix: '{keep}:', keepSettledMs: 50 });
    await journal.begin(intent('rj-open'));
    await journal.begin(intent('rj-done'));
    await journal.settle('rj-done', 'sender', { outcome: 'applied', how: 'answer', evidence: {}, at: 2000 });
    expect((await journal.entries()).map((e) => e.id).sort()).toEqual(['rj-done', 'rj-open']);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await journal.entries()).map((e) => e.id)).toEqual(['rj-open']);
  });

  it('two instances claiming one intent at once: exactly one wins, every time', async () => {
    const one = redisJournal(await connect(), { prefix: '{race}:' });
    const two = redisJournal(await connect(), { prefix: '{race}:' });
    for (let round = 0; round < 50; round++) {
      await one.begin(intent(`rj-race-${round}`));
      const won = await Promise.all([one.claim(`rj-race-${round}`, 'one', 5000, 9000), two.claim(`rj-race-${round}`, 'two', 5000, 9000)]);
      expect(won.filter(Boolean)).toHaveLength(1);
    }
  });

  it('refuses something that is not a connected client', () => {
    expect(() => redisJournal({} as never)).toThrow(/redisJournal: pass a connected node-redis client/);
  });
});
