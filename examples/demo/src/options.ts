/** The demo's command-line flags: `npm run demo -- --console --exit`. */
export interface DemoOptions {
  /** Also print every span as OTel's ConsoleSpanExporter does (about 170 lines), before the summary. */
  console: boolean;
  /** Stop after printing the trace view URL instead of serving it until Ctrl+C / SIGTERM. */
  exit: boolean;
}

export const USAGE = 'npm run demo -- [--console] [--exit]: --console prints every span as the OTel console exporter does; --exit stops after printing the trace view URL';

/** The options, or a line saying which argument is not one (so a typo is not silently ignored). */
export function parseDemoArgs(args: readonly string[]): DemoOptions | { error: string } {
  const options: DemoOptions = { console: false, exit: false };
  for (const arg of args) {
    if (arg === '--console') options.console = true;
    else if (arg === '--exit') options.exit = true;
    else return { error: `unknown argument ${arg} (usage: ${USAGE})` };
  }
  return options;
}
