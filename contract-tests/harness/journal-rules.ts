// The rules every Journal store keeps (src/rest/journal/types.ts), as one test each store's suite runs: begin
// once, claim a lapsed hold or renew one's own, the first settlement wins, `unknown` keeps the intent open
// and ends its holder's hold.
import type { Journal, JournalIntent } from '../../src/index';

export const journalIntent = (id: string, overrides: Partial<JournalIntent> = {}): JournalIntent => ({
  id, operationId: 'updateWalletBalance', method: 'PATCH', path: '/public/v1/wallets/balance', params: {},
  reconcile: { field: 'order_id', value: id }, body: JSON.stringify({ user_id: '3fA9kQ2z', currency: 'USD', amount: 1, order_id: id }), sentAt: 1000, holder: 'sender', heldUntil: 2000, ...overrides,
});

export function itKeepsTheJournalRules(make: () => Promise<Journal> | Journal): void {
  it('keeps the rules of an intent: begin once, claims, the first settlement wins, unknown keeps it open', async () => {
    const journal = await make();
    const intent = journalIntent('rules-1');
    await journal.begin(intent);
    await journal.begin({ ...intent, body: 'replaced?' }); // a second begin changes nothing
    expect(await journal.entries()).toEqual([intent]);
    expect(await journal.claim('rules-1', 'recovery', 1500, 5000)).toBe(false); // the sender's hold is live
    expect(await journal.claim('rules-1', 'sender', 1500, 3000)).toBe(true); // its renewal
    expect(await journal.claim('rules-1', 'recovery', 3000, 6000)).toBe(true); // lapsed
    expect(await journal.claim('rules-missing', 'recovery', 3000, 6000)).toBe(false);
    expect(await journal.settle('rules-1', 'recovery', { outcome: 'unknown', how: 'transactions-report', evidence: { seen: 0 }, at: 3500 })).toBe(false);
    expect(await journal.entries()).toEqual([{ ...intent, holder: 'recovery', heldUntil: 3500, lastAttempt: { outcome: 'unknown', how: 'transactions-report', evidence: { seen: 0 }, at: 3500 } }]);
    expect(await journal.claim('rules-1', 'another', 3600, 7000)).toBe(true); // the unknown ended the hold
    expect(await journal.settle('rules-1', 'another', { outcome: 'applied', how: 'order-status', evidence: {}, at: 3700 })).toBe(true);
    expect(await journal.settle('rules-1', 'sender', { outcome: 'not_applied', how: 'answer', evidence: {}, at: 3800 })).toBe(false);
    expect(await journal.claim('rules-1', 'recovery', 9000, 9999)).toBe(false); // settled
    expect((await journal.entries()).map((e) => e.settlement)).toEqual([{ outcome: 'applied', how: 'order-status', evidence: {}, at: 3700 }]);
  });
}
