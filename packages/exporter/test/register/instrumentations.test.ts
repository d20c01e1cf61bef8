import { describe, expect, it } from 'vitest';
import { autoOverlap, autoRegisterBefore, preloadOrder } from '../../src/register/auto-register.js';
import { chooseInstrumentations } from '../../src/register/instrumentations.js';

const has = (...names: string[]) => (name: string) => names.includes(name);
const picked = (result: ReturnType<typeof chooseInstrumentations>) => result.chosen.map((k) => k.package);

describe('register: which instrumentations start', () => {
  it('one per library: the first installed of its candidates, with one line naming the others', () => {
    const result = chooseInstrumentations(
      {},
      has('openai', '@opentelemetry/instrumentation-openai', '@traceloop/instrumentation-openai', '@anthropic-ai/sdk', '@arizeai/openinference-instrumentation-anthropic'),
    );
    expect(picked(result)).toEqual(['@opentelemetry/instrumentation-openai', '@arizeai/openinference-instrumentation-anthropic']);
    expect(result.problems).toEqual([
      'openai: traced by @opentelemetry/instrumentation-openai; @traceloop/instrumentation-openai also installed, not started (two would trace each call twice). NEXUS_INSTRUMENTATIONS=<package>,… picks others.',
    ]);
  });

  it('an instrumentation whose library the app has not installed is not loaded (some require it at load); the Azure SDK one needs no direct install', () => {
    const result = chooseInstrumentations({}, has('@arizeai/openinference-instrumentation-openai', '@azure/opentelemetry-instrumentation-azure-sdk'));
    expect(picked(result)).toEqual(['@azure/opentelemetry-instrumentation-azure-sdk']);
    expect(result.problems).toEqual([]);
  });

  it('NEXUS_INSTRUMENTATIONS picks exactly the listed ones; unknown or missing names are said; none starts none', () => {
    const installed = has('openai', '@opentelemetry/instrumentation-openai', '@traceloop/instrumentation-openai');
    expect(picked(chooseInstrumentations({ NEXUS_INSTRUMENTATIONS: ' @traceloop/instrumentation-openai ' }, installed))).toEqual(['@traceloop/instrumentation-openai']);
    expect(picked(chooseInstrumentations({ NEXUS_INSTRUMENTATIONS: 'none' }, installed))).toEqual([]);
    const bad = chooseInstrumentations({ NEXUS_INSTRUMENTATIONS: 'openai,@traceloop/instrumentation-anthropic' }, installed);
    expect(picked(bad)).toEqual([]);
    expect(bad.problems).toHaveLength(2);
    expect(bad.problems[0]).toMatch(/^NEXUS_INSTRUMENTATIONS: "openai" is not one this register entry starts/);
    expect(bad.problems[1]).toBe('NEXUS_INSTRUMENTATIONS: @traceloop/instrumentation-anthropic is not installed where the app is; npm install it.');
  });
});

describe('register: beside @opentelemetry/auto-instrumentations-node/register', () => {
  const AUTO = '@opentelemetry/auto-instrumentations-node/register';
  const OWN = '@nexus-otel/exporter/register';

  it('preloads in the order Node runs them: NODE_OPTIONS before the command line, every --require before any --import', () => {
    expect(preloadOrder(['--import', 'b', '-r', 'c', '--import=d'], '--import a --require="e f"')).toEqual(['e f', 'c', 'a', 'b', 'd']);
  });

  it('the other entry first (or this one imported by code, not preloaded) means it started its SDK already', () => {
    expect(autoRegisterBefore([OWN, AUTO])).toBe(false);
    expect(autoRegisterBefore([AUTO, OWN])).toBe(true);
    expect(autoRegisterBefore([AUTO])).toBe(true);
    expect(autoRegisterBefore(['/app/node_modules/@opentelemetry/auto-instrumentations-node/build/src/register.js', '/app/node_modules/@nexus-otel/exporter/dist/register.js'])).toBe(true);
    expect(autoRegisterBefore([OWN])).toBe(false);
  });

  it('a non-contrib OpenAI instrumentation beside it: one line, unless its own variables leave openai out', () => {
    expect(autoOverlap({}, ['@opentelemetry/instrumentation-openai'])).toBeUndefined();
    expect(autoOverlap({}, ['@traceloop/instrumentation-openai'])).toMatch(/Set OTEL_NODE_DISABLED_INSTRUMENTATIONS=openai\.$/);
    expect(autoOverlap({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'fs,openai' }, ['@traceloop/instrumentation-openai'])).toBeUndefined();
    expect(autoOverlap({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,undici' }, ['@traceloop/instrumentation-openai'])).toBeUndefined();
  });
});
