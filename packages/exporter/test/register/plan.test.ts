import { describe, expect, it } from 'vitest';
import { planFromEnv, sdkDisabled } from '../../src/register/plan.js';

const KEY = `nxs_${'ab'.repeat(32)}`;
const CONNECTION = 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/';

describe('register: which exporters the environment asks for', () => {
  it('OTEL_TRACES_EXPORTER unset: nexus when NEXUS_API_KEY is set, its log pipeline with it, no metrics', () => {
    expect(planFromEnv({ NEXUS_API_KEY: KEY })).toEqual({ traces: ['nexus'], logs: ['nexus'], metricsFromEnv: false, problems: [] });
  });

  it('OTEL_TRACES_EXPORTER and NEXUS_API_KEY unset: the SDK default (otlp), and one line saying nothing goes to Nexus', () => {
    const plan = planFromEnv({});
    expect(plan.traces).toEqual(['otlp']);
    expect(plan.logs).toEqual([]);
    expect(plan.problems).toHaveLength(1);
    expect(plan.problems[0]).toMatch(/both unset: nothing goes to Nexus/);
  });

  it('a list: names in any case and spacing, once each; logs follow the backends that join them to spans', () => {
    const plan = planFromEnv({
      OTEL_TRACES_EXPORTER: ' Console, nexus,NEXUS , azuremonitor,otlp',
      NEXUS_API_KEY: KEY,
      APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION,
    });
    expect(plan).toMatchObject({ traces: ['console', 'nexus', 'azuremonitor', 'otlp'], logs: ['nexus', 'azuremonitor'], problems: [] });
  });

  it('OTEL_LOGS_EXPORTER, when set, names the log exporters itself', () => {
    const plan = planFromEnv({ OTEL_TRACES_EXPORTER: 'nexus', OTEL_LOGS_EXPORTER: 'console,otlp', NEXUS_API_KEY: KEY });
    expect(plan).toMatchObject({ traces: ['nexus'], logs: ['console', 'otlp'], problems: [] });
    expect(planFromEnv({ OTEL_TRACES_EXPORTER: 'nexus', OTEL_LOGS_EXPORTER: 'none', NEXUS_API_KEY: KEY }).logs).toEqual([]);
  });

  it('none alone turns tracing off; beside other names it is ignored, with one line', () => {
    expect(planFromEnv({ OTEL_TRACES_EXPORTER: 'none', NEXUS_API_KEY: KEY })).toMatchObject({ traces: [], logs: [], problems: [] });
    const plan = planFromEnv({ OTEL_TRACES_EXPORTER: 'none,nexus', NEXUS_API_KEY: KEY });
    expect(plan.traces).toEqual(['nexus']);
    expect(plan.problems).toEqual(['OTEL_TRACES_EXPORTER: "none" beside other exporters is ignored.']);
  });

  it('an unknown name: one line naming it and the known ones; the others still run', () => {
    const plan = planFromEnv({ OTEL_TRACES_EXPORTER: 'nexus,jaeger', NEXUS_API_KEY: KEY });
    expect(plan.traces).toEqual(['nexus']);
    expect(plan.problems).toEqual(['OTEL_TRACES_EXPORTER: unknown exporter "jaeger" ignored (known: otlp, console, zipkin, nexus, azuremonitor, none).']);
  });

  it('nexus without a key: one line, and nexus leaves both signals', () => {
    const plan = planFromEnv({ OTEL_TRACES_EXPORTER: 'nexus,console', OTEL_LOGS_EXPORTER: 'nexus' });
    expect(plan).toMatchObject({ traces: ['console'], logs: [] });
    expect(plan.problems).toEqual(['nexus exporter off: NEXUS_API_KEY is not set. Nothing goes to Nexus; the app runs on.']);
  });

  it('nexus with a URL it refuses: the exporter’s own reason, never the key', () => {
    for (const url of ['not a url', 'ftp://nexus.example.com', 'http://nexus.example.com']) {
      const plan = planFromEnv({ OTEL_TRACES_EXPORTER: 'nexus', NEXUS_API_KEY: KEY, NEXUS_BASE_URL: url });
      expect(plan.traces).toEqual([]);
      expect(plan.problems).toHaveLength(1);
      expect(plan.problems[0]).toMatch(/^nexus exporter off: /);
      expect(plan.problems[0]).not.toContain(KEY);
    }
    expect(planFromEnv({ OTEL_TRACES_EXPORTER: 'nexus', NEXUS_API_KEY: KEY, NEXUS_BASE_URL: 'http://127.0.0.1:4318' }).problems).toEqual([]);
  });

  it('azuremonitor without APPLICATIONINSIGHTS_CONNECTION_STRING: one line, left out of both signals', () => {
    const plan = planFromEnv({ OTEL_TRACES_EXPORTER: 'nexus,azuremonitor', NEXUS_API_KEY: KEY });
    expect(plan).toMatchObject({ traces: ['nexus'], logs: ['nexus'] });
    expect(plan.problems).toEqual(['azuremonitor exporter off: APPLICATIONINSIGHTS_CONNECTION_STRING is not set. Nothing goes to Azure Monitor; the app runs on.']);
  });

  it('OTEL_METRICS_EXPORTER set: metrics are left to the SDK', () => {
    expect(planFromEnv({ NEXUS_API_KEY: KEY, OTEL_METRICS_EXPORTER: 'console' }).metricsFromEnv).toBe(true);
  });

  it('OTEL_SDK_DISABLED is read as the SDK reads it: "true" in any case', () => {
    expect([' TRUE ', 'true', 'True'].map((value) => sdkDisabled({ OTEL_SDK_DISABLED: value }))).toEqual([true, true, true]);
    expect(['false', '1', '', undefined].map((value) => sdkDisabled({ OTEL_SDK_DISABLED: value }))).toEqual([false, false, false, false]);
  });
});
