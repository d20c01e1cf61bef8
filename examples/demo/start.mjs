// `npm run demo -- [--console] [--exit]`: builds the workspace (`npm run build`), saying so, then
// runs the built demo (dist/main.js) in this process with the same arguments. Plain JavaScript:
// it runs before anything is built. The build installs the workspace on a fresh clone (pnpm,
// through npx) and compiles every package: about 30 s the first time, a few seconds after that.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The build prints nothing while tsc runs: a line this often says it is still going. */
const PROGRESS_MS = 5_000;

const say = (line) => console.error(`[demo] ${line}`);

/** Runs `npm run build` at the repository root; resolves with its exit code (1 if it could not start). */
function build() {
  say('building the packages (npm run build: installs the workspace on the first run, then compiles it; about 30 s the first time)…');
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  const timer = setInterval(() => say(`still building… ${seconds()} s`), PROGRESS_MS);
  // --silent: no npm banner lines; the steps' own output and errors still show.
  const child = spawn('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  return new Promise((resolve) => {
    child.once('error', (error) => {
      clearInterval(timer);
      say(`could not start npm run build: ${error.message}`);
      resolve(1);
    });
    child.once('exit', (code, signal) => {
      clearInterval(timer);
      if (code === 0) say(`built in ${seconds()} s`);
      else say(`the build failed (npm run build ${signal ? `stopped by ${signal}` : `exited with code ${code}`}); its output is above`);
      resolve(code ?? 1);
    });
  });
}

const code = await build();
if (code !== 0) {
  process.exitCode = code;
} else {
  // main.js reads its flags from process.argv, which has this file's arguments.
  await import('./dist/main.js');
}
