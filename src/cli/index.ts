#!/usr/bin/env node
// The `crm-open-api` command.
import { SANDBOX_USAGE, sandboxCommand } from './sandbox-command';

const USAGE = `Usage: crm-open-api <command> [options]

Commands:
  sandbox    a stateful local CRM for your integration tests (crm-open-api sandbox --help)

${SANDBOX_USAGE}`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'sandbox') return sandboxCommand(rest);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return;
  }
  throw new Error(`unknown command "${command}"\n\n${USAGE}`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`crm-open-api: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
