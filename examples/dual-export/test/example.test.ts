import { afterEach, describe, expect, it, vi } from 'vitest';
import { OPENSSL } from '../../../test-support/requirements.js';
import { runExample } from '../src/example.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe.skipIf(OPENSSL.unmet)('the dual-export example (npm start)', OPENSSL.options, () => {
  it('runs each setup once against the local Nexus and Application Insights, and each run is in both with the same id', async () => {
    vi.stubEnv('NEXUS_API_KEY', '');
    vi.stubEnv('APPLICATIONINSIGHTS_CONNECTION_STRING', '');
    vi.stubEnv('APPLICATION_INSIGHTS_NO_STATSBEAT', 'true');
    vi.stubEnv('DEMO_CONSOLE', '');
    const lines: string[] = [];
    const runs = await runExample((line) => lines.push(line));

    expect(runs.map((run) => run.setup)).toEqual(['hand-built', '@nexus-otel/azure']);
    for (const run of runs) {
      expect(run.landed).toBe(true);
      expect(run.nexus?.metadata).toMatchObject({ otel_trace_id: run.traceId });
      expect(run.appInsightsItems).toEqual(['dependency chat gpt-4o', 'dependency execute_tool get_weather', 'dependency chat gpt-4o', 'dependency invoke_agent weather-agent']);
      expect(lines).toContain(`In Application Insights → Logs: union requests, dependencies | where operation_Id == "${run.traceId}"`);
    }
    // Only the @nexus-otel/azure setup writes the link into the Nexus trace.
    expect(runs[0]?.nexus?.metadata).not.toHaveProperty('appinsights_operation_id');
    expect(runs[1]?.nexus?.metadata).toMatchObject({ appinsights_operation_id: runs[1]?.traceId });
  });
});
