// `npm start`: runs app.js exactly as a user would, `node --import @nexus-otel/exporter/register app.js`
// with environment variables only, against a local Nexus (@nexus-otel/local) and a local OpenAI
// stub, then prints what Nexus stored. Nothing leaves 127.0.0.1. Needs the workspace built (npm run build).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateKey, startNexusLocal } from '@nexus-otel/local';
import { startOpenAiStub } from './openai-stub.js';

const key = generateKey();
const nexus = await startNexusLocal({ keys: { [key]: {} } });
const openai = await startOpenAiStub();

const env = {
  NEXUS_API_KEY: key,
  NEXUS_BASE_URL: nexus.url,
  OTEL_TRACES_EXPORTER: 'nexus,console',
  OTEL_SERVICE_NAME: 'support-bot',
  OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
  OPENAI_BASE_URL: openai.baseURL,
  OPENAI_API_KEY: 'sk-local-stub',
};
console.log(`$ ${Object.entries(env).map(([name, value]) => `${name}=${name === 'NEXUS_API_KEY' ? 'nxs_…' : value}`).join(' ')} \\\n    node --import @nexus-otel/exporter/register app.js\n`);

const code = await new Promise((resolve) => {
  const child = spawn(process.execPath, ['--import', '@nexus-otel/exporter/register', 'app.js'], {
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    env: { ...process.env, ...env },
    stdio: 'inherit',
  });
  child.once('close', (exitCode) => resolve(exitCode ?? 1));
});

console.log(`\napp exited with ${code}; what the local Nexus stored:`);
for (const trace of nexus.traces()) {
  console.log(`- trace "${trace.name}" (${trace.status}), agent ${trace.agentName}, metadata ${JSON.stringify(trace.metadata)}`);
  for (const span of trace.spans) {
    console.log(`  - span "${span.name}" (${span.status})\n    input:  ${JSON.stringify(span.input).slice(0, 300)}\n    output: ${JSON.stringify(span.output).slice(0, 300)}`);
  }
}
if (nexus.traces().length === 0) console.log('(nothing)');
await openai.close();
await nexus.close();
process.exitCode = code;
