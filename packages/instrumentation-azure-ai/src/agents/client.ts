import type { AgentsTracingPolicy } from './policy.js';

interface PipelineLike {
  addPolicy(policy: AgentsTracingPolicy): void;
  getOrderedPolicies?(): ReadonlyArray<{ name: string }>;
}

type Constructor = new (...args: unknown[]) => object;

const ORIGINALS = new WeakMap<object, Constructor>();

/** Adds the policy to an `AgentsClient`'s pipeline (once); false when the value has no pipeline. */
export function addPolicyToClient(client: unknown, policy: AgentsTracingPolicy): boolean {
  const pipeline = (typeof client === 'object' && client !== null ? (client as { pipeline?: unknown }).pipeline : undefined) as PipelineLike | undefined;
  if (!pipeline || typeof pipeline.addPolicy !== 'function') return false;
  if (pipeline.getOrderedPolicies?.().some((existing) => existing.name === policy.name)) return true;
  pipeline.addPolicy(policy);
  return true;
}

/**
 * The client class with the policy added to every instance it makes: a Proxy, so `instanceof`, the
 * name, the statics and the prototype stay the SDK's own.
 */
export function tracedClientClass(original: Constructor, policy: AgentsTracingPolicy): Constructor {
  const traced = new Proxy(original, {
    construct(target, args: unknown[], newTarget: Constructor) {
      const client = Reflect.construct(target, args, newTarget) as object;
      addPolicyToClient(client, policy);
      return client;
    },
  });
  ORIGINALS.set(traced, original);
  return traced;
}

export function originalClientClass(value: unknown): Constructor | undefined {
  return typeof value === 'function' ? ORIGINALS.get(value) : undefined;
}
