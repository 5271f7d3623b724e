// Runs a project-local CLI quietly: its output is shown only when it fails.
import { spawnSync } from 'node:child_process';
import { ROOT } from './apis';

export function runQuiet(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', shell: false });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

export const bin = (name: string) => `${ROOT}/node_modules/.bin/${name}`;
