// The four secrets of the CRM's calls to a tenant's servers, as every command that makes those calls takes them
// (`sandbox`, `trigger`, `check`): one flag each, a string, never printed.
export const SECRET_FLAGS = {
  'webhook-secret': { type: 'string' },
  'psp-token': { type: 'string' },
  'rates-key': { type: 'string' },
  'wallets-key': { type: 'string' },
} as const;
