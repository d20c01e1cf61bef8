import { describe, expect, it } from 'vitest';
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { ATTR } from '../../src/attributes.js';

/** Every attribute name the conventions define, stable and incubating. */
const DEFINED = new Set(Object.entries(incubating).filter(([name, value]) => name.startsWith('ATTR_') && typeof value === 'string').map(([, value]) => value as string));

describe('the attribute names of the Agents spans', () => {
  it('every gen_ai.*, error.* and server.* name is one the current conventions define', () => {
    const ours = Object.values(ATTR).filter((name) => /^(gen_ai|error|server)\./.test(name));
    expect(ours.length).toBeGreaterThan(15);
    expect(ours.filter((name) => !DEFINED.has(name))).toEqual([]);
  });

  it('the rest are in the Azure namespace, which no convention owns', () => {
    const others = Object.values(ATTR).filter((name) => !/^(gen_ai|error|server)\./.test(name));
    expect(others.every((name) => name.startsWith('azure.ai.agents.'))).toBe(true);
    expect(others.filter((name) => DEFINED.has(name))).toEqual([]);
  });
});
