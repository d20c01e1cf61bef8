// What a group of tests needs from the machine, with the reason it skips without it. A group says
//
//   describe.skipIf(NODE_22_15.unmet)('name', NODE_22_15.options, () => { … });
//
// so its condition and its reason come from one place, and the skip reporter (skip-reporter.ts)
// prints, after `npm test`, one line per skipped group with the reason and how to run it. The
// needs several files share are here; one file's own (a browser, the registry) is a
// `requirement(…)` in that file. test/skip-notes.test.ts fails on a skip that gives no reason.
import { canTrustAtRuntime } from '../examples/azure-agents/src/foundry/trust.js';
import { hasOpenssl } from '../packages/appinsights-local/src/tls-cert.js';
import type {} from 'vitest';

/** Why a group is skipped on this machine, and how to run it: what the reporter prints. */
export interface SkipNote {
  /** e.g. "needs Node >= 22.15 (this is v20.20.2)". */
  reason: string;
  /** e.g. "run npm test on Node 22". */
  run: string;
}

declare module 'vitest' {
  interface TaskMeta {
    /** Set on the tests of a group whose requirement is unmet; read by the skip reporter. */
    skipNote?: SkipNote;
  }
}

export interface Requirement {
  /** True where this machine lacks it: the group skips (`describe.skipIf(r.unmet)`). */
  readonly unmet: boolean;
  /** The group's options: they carry the reason to the reporter, on every test of the group. */
  readonly options: { readonly meta: { readonly skipNote?: SkipNote } };
}

/** `missing`: why this machine cannot run the group, or undefined when it can. `run`: how to run it anyway. */
export function requirement(missing: string | undefined, run: string): Requirement {
  return { unmet: missing !== undefined, options: { meta: missing === undefined ? {} : { skipNote: { reason: missing, run } } } };
}

/** Evaluated on first use only: some checks start a process (openssl) and most files need none of them. */
function lazy(check: () => Requirement): Requirement {
  let value: Requirement | undefined;
  const get = (): Requirement => (value ??= check());
  return {
    get unmet() {
      return get().unmet;
    },
    get options() {
      return get().options;
    },
  };
}

const NODE = `v${process.versions.node}`;
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);

/** OpenTelemetry JS 3.x (sdk-trace 3, sdk-node 0.30x, instrumentation-openai 0.22) declares Node >= 22.15. */
export const NODE_22_15 = lazy(() =>
  requirement(major > 22 || (major === 22 && minor >= 15) ? undefined : `needs Node >= 22.15 (this is ${NODE})`, 'run npm test on Node 22'),
);

/** @azure/ai-projects 2.10 needs Node 22, and trusting the Foundry stub's certificate at run time >= 22.19. */
export const NODE_22_19 = lazy(() =>
  requirement(major >= 22 && canTrustAtRuntime() ? undefined : `needs Node >= 22.19 (this is ${NODE})`, 'run npm test on Node 22 (>= 22.19)'),
);

/** The local Application Insights endpoint speaks TLS with a certificate the `openssl` CLI makes. */
export const OPENSSL = lazy(() => requirement(hasOpenssl() ? undefined : 'needs the openssl CLI', 'install openssl (apt-get install openssl) and run npm test again'));

