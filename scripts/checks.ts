// npm test, before jest: the static checks (each an npm script of its own, runnable alone), two at a time,
// longest first. Each is one process that keeps one core busy, and there are two cores on the CI machine:
// one after the other they took 70 s, side by side about half. Each one's output is printed whole when it
// ends (never interleaved); any failing fails the run, after the others have ended.
import { spawn } from 'node:child_process';
import { ROOT } from './lib/apis';

// Longest first (idle 2-core machine, one at a time: 20, 10, 9.5, 5, 3.6, 3.6 s), so the two lanes end together.
const CHECKS = ['typecheck', 'check:portability', 'check:generated', 'lint:imports', 'lint', 'lint:workflows'];
const PARALLEL = Math.max(1, Number(process.env.CHECKS_PARALLEL ?? 2));

function run(script: string): Promise<{ script: string; ok: boolean; output: string; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => (output += String(error)));
    child.on('close', (code) => resolve({ script, ok: code === 0, output, seconds: (performance.now() - started) / 1000 }));
  });
}

async function main(): Promise<number> {
  const queue = [...CHECKS];
  const failed: string[] = [];
  const lane = async () => {
    for (let script = queue.shift(); script !== undefined; script = queue.shift()) {
      const result = await run(script);
      process.stdout.write(`> npm run ${script} (${result.seconds.toFixed(1)} s)${result.ok ? '' : ' FAILED'}\n${result.output}${result.output.endsWith('\n') || !result.output ? '' : '\n'}`);
      if (!result.ok) failed.push(script);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  if (failed.length) process.stderr.write(`failed: ${failed.map((s) => `npm run ${s}`).join(', ')}\n`);
  return failed.length ? 1 : 0;
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
