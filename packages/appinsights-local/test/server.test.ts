import * as https from 'node:https';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AzureMonitorTraceExporter } from '@azure/monitor-opentelemetry-exporter';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { itemName, operationIds, startIngestionStub, type Envelope, type IngestionStub } from '../src/index.js';
import { OPENSSL } from '../../../test-support/requirements.js';

let stub: IngestionStub;
beforeEach(async () => {
  stub = await startIngestionStub();
});
afterEach(async () => {
  await stub.close();
  vi.unstubAllEnvs();
});

function post(path: string, body: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, stub.url), { method: 'POST', agent: stub.agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const item = (name: string, operationId: string): Envelope => ({
  name: 'Microsoft.ApplicationInsights.RemoteDependency',
  time: new Date().toISOString(),
  iKey: stub.instrumentationKey,
  tags: { 'ai.operation.id': operationId },
  data: { baseType: 'RemoteDependencyData', baseData: { name } },
});

describe.skipIf(OPENSSL.unmet)('the local Application Insights ingestion endpoint', OPENSSL.options, () => {
  it('accepts track requests gzipped, plain and newline-delimited, and answers as Breeze does', async () => {
    const gzipped = await post('/v2.1/track', gzipSync(JSON.stringify([item('a', 'op1'), item('b', 'op1')])), { 'content-encoding': 'gzip' });
    expect(gzipped).toMatchObject({ status: 200, body: { itemsReceived: 2, itemsAccepted: 2, errors: [] } });
    const plain = await post('/v2/track', Buffer.from(JSON.stringify([item('c', 'op2')])));
    expect(plain.body).toEqual({ itemsReceived: 1, itemsAccepted: 1, errors: [] });
    const ndjson = await post('/v2.1/track', Buffer.from(`${JSON.stringify(item('d', 'op3'))}\n${JSON.stringify(item('e', 'op3'))}\n`));
    expect(ndjson.body).toEqual({ itemsReceived: 2, itemsAccepted: 2, errors: [] });

    expect(stub.envelopes().map(itemName)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(operationIds(stub.envelopes())).toEqual(['op1', 'op2', 'op3']);
    expect(stub.requests()).toEqual([
      { method: 'POST', path: '/v2.1/track', items: 2 },
      { method: 'POST', path: '/v2/track', items: 1 },
      { method: 'POST', path: '/v2.1/track', items: 2 },
    ]);
  });

  it('answers live metrics "not subscribed", a body it cannot read with a 400, and anything else with a 404', async () => {
    const ping = await post('/QuickPulseService.svc/ping?ikey=x', Buffer.from('{}'));
    expect(ping.status).toBe(200);
    expect(ping.headers['x-ms-qps-subscribed']).toBe('false');
    expect((await post('/v2.1/track', Buffer.from('not json'))).status).toBe(400);
    expect((await post('/elsewhere', Buffer.from(''))).status).toBe(404);
    expect(stub.envelopes()).toEqual([]);
  });

  it('receives what the real AzureMonitorTraceExporter (1.0.0-beta.45) sends it, with the span\'s trace id as operation id', async () => {
    vi.stubEnv('APPLICATION_INSIGHTS_NO_STATSBEAT', 'true');
    const exporter = new AzureMonitorTraceExporter({ connectionString: stub.connectionString, agent: stub.agent, disableOfflineStorage: true });
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const span = provider.getTracer('stub-test').startSpan('chat gpt-4o');
    span.end();
    await provider.shutdown();

    await stub.waitFor((items) => operationIds(items).length > 0);
    expect(operationIds(stub.envelopes())).toEqual([span.spanContext().traceId]);
    expect(stub.envelopes().every((envelope) => envelope.iKey === stub.instrumentationKey)).toBe(true);
    expect(stub.requests().every((request) => request.path === '/v2.1/track')).toBe(true);
  });
});
