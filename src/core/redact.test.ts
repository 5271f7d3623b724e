import { REDACTED, redactSecretsIn, secretSpellings } from './redact';

describe('redactSecretsIn', () => {
  const key = 'live/key+DO"NOT-LEAK';
  const spellings = secretSpellings([key, undefined, 'short']);

  it('replaces a secret as sent, JSON-escaped (with and without \\/) and percent-encoded', () => {
    const escaped = JSON.stringify(key).slice(1, -1);
    for (const spelling of [key, escaped, escaped.replaceAll('/', '\\/'), encodeURIComponent(key)]) {
      expect(redactSecretsIn(`before ${spelling} after ${spelling}`, spellings)).toBe(`before ${REDACTED} after ${REDACTED}`);
    }
  });

  it('leaves a text without a secret alone, and never searches for a secret under 8 characters', () => {
    expect(redactSecretsIn('{"type":"invalid_api_key","short":"short"}', spellings)).toBe('{"type":"invalid_api_key","short":"short"}');
    expect(secretSpellings(['1234567', ''])).toEqual([]);
  });
});
