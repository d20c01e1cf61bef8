import type { Env } from './plan.js';

/** The modules Node preloads (`--require`, `-r`, `--import`), in the order it runs them. */
export function preloadOrder(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  // NODE_OPTIONS counts as written before the command line; every --require runs before any --import.
  const args = [...splitOptions(nodeOptions ?? ''), ...execArgv];
  const requires: string[] = [];
  const imports: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const list = flag === '--require' || flag === '-r' ? requires : flag === '--import' ? imports : undefined;
    if (!list) continue;
    const value = inline ?? args[++i];
    if (value !== undefined) list.push(value);
  }
  return [...requires, ...imports];
}

/** NODE_OPTIONS split on spaces, with double quotes (anywhere in a word) grouping, as Node does. */
function splitOptions(text: string): string[] {
  const out: string[] = [];
  let word: string | undefined;
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted && char === '\\' && i + 1 < text.length) word = (word ?? '') + text[++i];
    else if (char === '"') {
      quoted = !quoted;
      word ??= '';
    } else if (!quoted && /\s/.test(char)) {
      if (word !== undefined) out.push(word);
      word = undefined;
    } else word = (word ?? '') + char;
  }
  if (word !== undefined) out.push(word);
  return out;
}

const AUTO_REGISTER = /@opentelemetry[\\/]auto-instrumentations-node[\\/](register|build[\\/]src[\\/]register\.js)$/;
const OWN_REGISTER = /@nexus-otel[\\/]exporter[\\/](register|dist[\\/]register\.c?js)$/;

/**
 * Whether `@opentelemetry/auto-instrumentations-node/register` runs before this entry: it then has
 * started its own SDK already. This entry not among the preloads (imported by the app's code): any
 * preload ran before it.
 */
export function autoRegisterBefore(preloads: readonly string[]): boolean {
  const auto = preloads.findIndex((p) => AUTO_REGISTER.test(p));
  if (auto < 0) return false;
  const own = preloads.findIndex((p) => OWN_REGISTER.test(p));
  return own < 0 || auto < own;
}

/** Whether `@opentelemetry/auto-instrumentations-node/register` is among the preloads. */
export function autoRegisterPreloaded(preloads: readonly string[]): boolean {
  return preloads.some((p) => AUTO_REGISTER.test(p));
}

/**
 * The line to print when this entry started an OpenAI instrumentation other than the contrib one
 * that `auto-instrumentations-node` enables too (two instrumentations trace each call twice),
 * unless its own OTEL_NODE_ENABLED/DISABLED_INSTRUMENTATIONS leave `openai` out.
 */
export function autoOverlap(env: Env, started: readonly string[]): string | undefined {
  const other = started.find((name) => OPENAI_OTHERS.includes(name));
  if (!other) return undefined;
  const list = (name: string): string[] => (env[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const enabled = list('OTEL_NODE_ENABLED_INSTRUMENTATIONS');
  if (list('OTEL_NODE_DISABLED_INSTRUMENTATIONS').includes('openai') || (enabled.length > 0 && !enabled.includes('openai'))) return undefined;
  return `${other} traces openai, and @opentelemetry/auto-instrumentations-node/register enables its own OpenAI instrumentation too: each call would be traced twice. Set OTEL_NODE_DISABLED_INSTRUMENTATIONS=openai.`;
}

const OPENAI_OTHERS = ['@arizeai/openinference-instrumentation-openai', '@traceloop/instrumentation-openai'];
