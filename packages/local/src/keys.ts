// API keys, their plans, and the free plan's limits (checked on trace creation only).
import { randomBytes } from 'node:crypto';
import { json, type Reply } from './reply.js';

export interface KeyConfig {
  plan?: 'free' | 'pro';
  revoked?: boolean;
}

export type Plan = 'free' | 'pro';

export const KEY_FORMAT = /^nxs_[0-9a-f]{64}$/;
export const UPGRADE_URL = 'https://nexus.keylightdigital.dev/pricing';
export const DEFAULT_FREE_TRACE_LIMIT = 1000;

/** 'nxs_' + 64 random lowercase hex, the shape of a real Nexus key. */
export function generateKey(): string {
  return `nxs_${randomBytes(32).toString('hex')}`;
}

interface KeyState {
  plan: Plan;
  revoked: boolean;
}

/**
 * Open mode (no `keys` option): any well-formed key is a pro key, so tests need no setup.
 * Closed mode: only configured keys. Keys added explicitly are accepted verbatim even if they do
 * not look like `nxs_…` (assumption: whoever configures a key means it).
 */
export class KeyRegistry {
  private readonly states = new Map<string, KeyState>();
  private readonly open: boolean;

  constructor(keys?: Record<string, KeyConfig>) {
    this.open = keys === undefined;
    for (const [key, config] of Object.entries(keys ?? {})) this.add(key, config);
  }

  /** Replaces any previous config; plan defaults to 'pro', revoked to false. */
  add(key: string, config: KeyConfig = {}): void {
    this.states.set(key, { plan: config.plan ?? 'pro', revoked: config.revoked ?? false });
  }

  /** Upserts, so it also works in open mode for a key never seen before. */
  setPlan(key: string, plan: Plan): void {
    const state = this.states.get(key);
    if (state) state.plan = plan;
    else this.add(key, { plan });
  }

  revoke(key: string): void {
    const state = this.states.get(key);
    if (state) state.revoked = true;
    else this.add(key, { revoked: true });
  }

  /** The key's plan, or null when the key must get a 401 (unknown, malformed or revoked). */
  resolve(key: string): Plan | null {
    const state = this.states.get(key);
    if (state) return state.revoked ? null : state.plan;
    return this.open && KEY_FORMAT.test(key) ? 'pro' : null;
  }
}

/**
 * `Authorization: Bearer <key>`; the scheme is case-sensitive. Strict: the real server trims what
 * follows `Bearer `, so `Bearer  <key>` (two spaces) works too. Lenient: exactly one space.
 */
export function bearerToken(header: string | undefined, strict: boolean): string | null {
  if (header === undefined || !header.startsWith('Bearer ')) return null;
  const rest = header.slice('Bearer '.length);
  const token = strict ? rest.trim() : rest;
  return token.length > 0 ? token : null;
}

export interface PlanUsage {
  agentExists: boolean;
  agentCount: number;
  tracesThisMonth: number;
}

/**
 * The free plan's refusals. An agent that already exists stays usable even if the key now has
 * more than one. Strict: the monthly check comes first, as on the real server (it counts before it
 * looks the agent up), so a new agent name at the limit is a 429. Lenient: the agent check first.
 */
export function planRefusal(plan: Plan, usage: PlanUsage, freeTraceLimit: number, strict: boolean): Reply | null {
  if (plan !== 'free') return null;
  const monthly =
    usage.tracesThisMonth >= freeTraceLimit
      ? json(429, { error: 'Monthly trace limit reached', limit: freeTraceLimit, current: usage.tracesThisMonth, upgrade_url: UPGRADE_URL })
      : null;
  const agent = !usage.agentExists && usage.agentCount >= 1 ? json(403, { error: 'Free plan limited to 1 agent', upgrade_url: UPGRADE_URL }) : null;
  return strict ? (monthly ?? agent) : (agent ?? monthly);
}
