// npm run size: the runtime's size, minified and gzipped (`--json` for JSON).
import { runtimeSizes } from './lib/runtime-size';

runtimeSizes().then(
  (rows) => {
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else for (const row of rows) process.stdout.write(`${row.name}: ${row.minBytes} B min, ${row.minGzBytes} B min+gz\n`);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
