#!/usr/bin/env node
// The `crm-open-api` command.
import { CHECK_USAGE, checkCommand } from './check-command';
import { DOCTOR_USAGE, doctorCommand } from './doctor-command';
import { RECOVER_USAGE, recoverCommand } from './recover-command';
import { SANDBOX_USAGE, sandboxCommand } from './sandbox-command';
import { TRIGGER_USAGE, triggerCommand } from './trigger-command';
import { VERIFY_USAGE, verifyCommand } from './verify-command';

const USAGE = `Usage: crm-open-api <command> [options]

Commands:
  sandbox    a stateful local CRM for your integration tests (crm-open-api sandbox --help)
  doctor     which signature scheme your CRM checks, found out without side effects (crm-open-api doctor --help)
  verify     your CRM checked against the spec, operation by operation; read-only unless told (crm-open-api verify --help)
  recover    settle the money calls a crash left open in a file journal (crm-open-api recover --help)
  check      your own server (webhooks, PSP /pay/url, rates, wallets) checked as the CRM calls it (crm-open-api check --help)
  trigger    one signed CRM call to your server (a webhook, /pay/url, a rate, a wallet call), its answer checked (crm-open-api trigger --help)

${SANDBOX_USAGE}

${DOCTOR_USAGE}

${VERIFY_USAGE}
${RECOVER_USAGE}

${CHECK_USAGE}

${TRIGGER_USAGE}`;

async function main(argv: string[]): Promise<number | void> {
  const [command, ...rest] = argv;
  if (command === 'sandbox') return sandboxCommand(rest);
  if (command === 'doctor') return doctorCommand(rest);
  if (command === 'verify') return verifyCommand(rest);
  if (command === 'recover') return recoverCommand(rest);
  if (command === 'check') return checkCommand(rest);
  if (command === 'trigger') return triggerCommand(rest);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return;
  }
  throw new Error(`unknown command "${command}"\n\n${USAGE}`);
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status ?? 0),
  (error: unknown) => {
    console.error(`crm-open-api: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
