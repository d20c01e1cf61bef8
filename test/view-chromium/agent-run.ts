// A realistic agent run in the local Nexus: spans captured from the real @azure/ai-projects 2.10
// (an agent with code interpreter and a function tool), exported by the real NexusSpanExporter.
import { NexusSpanExporter } from '@nexus-otel/exporter';
import { generateKey, startNexusLocal, type NexusLocal } from '@nexus-otel/local';
import { loadFixture } from '../../packages/exporter/test/fixtures/load.js';

type Spans = Parameters<NexusSpanExporter['export']>[0];

const FIXTURES = [
  'azure/captured-ai-projects-2.10.0-v2-content-on.json', // the run the test opens
  'azure/captured-ai-agents-1.1.0.json', // a second run, so the list is a list
];

export async function nexusWithAgentRuns(): Promise<NexusLocal> {
  const key = generateKey();
  const nexus = await startNexusLocal({ keys: { [key]: { plan: 'pro' } } });
  const exporter = new NexusSpanExporter({ apiKey: key, baseUrl: nexus.url, agent: 'weather-math-agent' });
  try {
    for (const fixture of FIXTURES) {
      const { spans } = loadFixture(fixture);
      await new Promise<void>((resolve) => exporter.export(spans as Spans, () => resolve()));
    }
    await exporter.forceFlush();
  } finally {
    await exporter.shutdown();
  }
  return nexus;
}
