// The published packages as a user gets them. `npm run pack` (the README's command) builds the
// tarballs; each is checked as npm sees it (`npm pack --dry-run`), its types with attw; then the
// README's Install section runs, command for command, in fresh ESM and CommonJS apps outside the
// repository, and the Quickstart's trace must be in the local Nexus server the README starts. The
// Azure AI instrumentation's tarball, beside the exporter's, traces an @azure/ai-agents app (against
// an HTTPS stub of the service) through the no-code register entry.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLONE, installSection, KEY, PORT, quickstartSection, toCommonJs } from './readme.js';
import { killGroup, sh, shOk, start, type Started } from './run.js';
import { AGENT_NAME, agentsV1Routes, IDS, USAGE } from './agents-v1.js';
import { startFoundryStub } from '../../examples/azure-agents/src/foundry/stub.js';
import { createSelfSignedCert } from '../../examples/azure-agents/src/foundry/tls-cert.js';
import { requirement } from '../../test-support/requirements.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const install = installSection(README);
const quickstart = quickstartSection(README);
const REPOSITORY = 'git+https://github.com/keylightdigital/nexus-otel.git';

/** The published packages, with what their tarballs may weigh (packed, unpacked) before this fails. */
const PUBLISHED = [
  { dir: 'exporter', name: '@nexus-otel/exporter', maxPacked: 480_000, maxUnpacked: 2_200_000 },
  { dir: 'local', name: '@nexus-otel/local', maxPacked: 180_000, maxUnpacked: 800_000 },
  { dir: 'appinsights-local', name: '@nexus-otel/appinsights-local', maxPacked: 30_000, maxUnpacked: 120_000 },
  { dir: 'azure', name: '@nexus-otel/azure', maxPacked: 30_000, maxUnpacked: 130_000 },
  { dir: 'bridge', name: '@nexus-otel/bridge', maxPacked: 150_000, maxUnpacked: 750_000 },
  { dir: 'instrumentation-azure-ai', name: '@nexus-otel/instrumentation-azure-ai', maxPacked: 90_000, maxUnpacked: 400_000 },
] as const;
type Published = (typeof PUBLISHED)[number];

interface PackedFile {
  path: string;
  size: number;
}
interface DryRun {
  name: string;
  version: string;
  size: number;
  unpackedSize: number;
  files: PackedFile[];
}
interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  keywords?: string[];
  homepage?: string;
  bugs?: { url?: string };
  repository?: { type?: string; url?: string; directory?: string };
  publishConfig?: { access?: string };
  engines?: { node?: string };
  main?: string;
  types?: string;
  bin?: Record<string, string>;
  exports?: unknown;
  typesVersions?: Record<string, Record<string, string[]>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

interface Tarball {
  path: string;
  dryRun: DryRun;
  manifest: Manifest;
  /** Where it is unpacked (its `package/` directory). */
  unpacked: string;
}

/**
 * Why this file cannot run, or undefined. Everything here needs the npm registry: `npm run pack`
 * fetches pnpm through npx, and the apps install their packages from it.
 */
async function offline(): Promise<string | undefined> {
  const ping = await sh('npm ping --fetch-retries=0 --fetch-timeout=15000', { cwd: tmpdir(), timeoutMs: 30_000 });
  if (ping.code === 0) return undefined;
  const lines = `${ping.stderr}${ping.stdout}`.split('\n');
  const error = lines.find((line) => line.includes('FetchError')) ?? lines.find((line) => /^npm error (code|\d{3})/.test(line));
  return error?.replace(/^npm error /, '') ?? `npm ping exited ${ping.code}`;
}
const skipReason = await offline();
const REGISTRY = requirement(skipReason && `npm cannot reach the registry (${skipReason})`, 'run npm test where npm can reach registry.npmjs.org');

const scratch = skipReason === undefined ? mkdtempSync(join(tmpdir(), 'nexus-otel-pack-')) : tmpdir();
const tarballs = new Map<Published['dir'], Tarball>();

function tarball(dir: Published['dir']): Tarball {
  const found = tarballs.get(dir);
  if (!found) throw new Error(`no tarball for ${dir}`);
  return found;
}

/** Every path a manifest points at (exports, main, types, bin, typesVersions), without `./`. */
function pointedAt(manifest: Manifest): string[] {
  const paths: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') paths.push(value);
    else if (value && typeof value === 'object') for (const inner of Object.values(value)) walk(inner);
  };
  walk([manifest.exports, manifest.main, manifest.types, manifest.bin, manifest.typesVersions]);
  return paths.map((path) => normalize(path));
}

/** A range that a new minor (or, below 1.0, any 0.x) of the package still satisfies. */
function openToNewMinors(range: string): boolean {
  if (/^\^\d+\.\d+(\.\d+)?$/.test(range)) return true;
  const match = /^>=(\d+)\.\d+\.\d+ <(\d+)\.0\.0$/.exec(range);
  if (!match) return false;
  const [, lower, upper] = match.map(Number) as [number, number, number];
  return lower === 0 ? upper === 1 : upper === lower + 1;
}

/** What the app itself does: an agent run with one model call, as an instrumentation emits it. */
const WORKLOAD = `
// --- the app's own work, as an instrumentation would emit it ---
import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('app');
tracer.startActiveSpan('invoke_agent support-bot', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'support-bot' } }, (run) => {
  const chat = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 12, 'gen_ai.usage.output_tokens': 3 };
  tracer.startSpan('chat gpt-4o', { attributes: chat }).end();
  run.end();
  console.log(\`otel trace \${run.spanContext().traceId}\`);
});
`;

/** An @azure/ai-agents 1.x app with no tracing code: one run, polled until it ends, against STUB_ENDPOINT. */
const AGENTS_APP = `import { AgentsClient } from '@azure/ai-agents';

const credential = { getToken: async () => ({ token: 'fake', expiresOnTimestamp: Date.now() + 3_600_000 }) };
const client = new AgentsClient(process.env.STUB_ENDPOINT, credential);
const agent = await client.createAgent('gpt-4o', { name: '${AGENT_NAME}' });
const thread = await client.threads.create();
await client.messages.create(thread.id, 'user', 'What is the weather in Seattle?');
let run = await client.runs.create(thread.id, agent.id);
for (let polls = 0; ['queued', 'in_progress'].includes(run.status) && polls < 10; polls += 1) {
  run = await client.runs.get(thread.id, run.id);
}
console.log(JSON.stringify({ status: run.status, usage: run.usage }));
`;
const WHICH_BUILD = `console.log(\`exporter build: \${Object.keys(require.cache).some((path) => path.includes('/@nexus-otel/exporter/dist/cjs/')) ? 'cjs' : 'esm'}\`);\n`;

interface NexusTrace {
  id: string;
  agent_name: string;
  status: string;
  metadata: Record<string, unknown>;
  spans?: Array<{ name: string; parent_span_id?: string | null }>;
}

describe('nexus-otel-local in this workspace', () => {
  it('is linked at the first install: its bin is a committed file, not build output', async () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'packages/local/package.json'), 'utf8')) as Manifest;
    const target = normalize(manifest.bin?.['nexus-otel-local'] ?? '');
    // pnpm links a bin only if its file exists at install time; dist/ does not exist before the first build.
    expect(target.startsWith('dist/')).toBe(false);
    expect(existsSync(join(ROOT, 'packages/local', target))).toBe(true);
    const run = await sh('node_modules/.bin/nexus-otel-local --help', { cwd: join(ROOT, 'examples/env-only') });
    expect(run.stdout).toContain('Usage: nexus-otel-local');
    expect(run.code).toBe(0);
  });
});

describe('README Install section', () => {
  it('shows the registry install as the tarball install with the package name in place of the tarball', () => {
    expect(install.registry).toBe(install.exporter.replace(`${CLONE}/packs/nexus-otel-exporter-*.tgz`, '@nexus-otel/exporter'));
  });
});

describe.skipIf(REGISTRY.unmet)(
  'the published packages as a user gets them',
  REGISTRY.options,
  () => {
    beforeAll(async () => {
      await shOk(install.pack, { cwd: ROOT, timeoutMs: 180_000 });
      const files = readdirSync(join(ROOT, 'packs'));
      for (const published of PUBLISHED) {
        const file = files.find((name) => name.startsWith(`${published.name.slice(1).replace('/', '-')}-`) && name.endsWith('.tgz'));
        if (!file) throw new Error(`npm run pack wrote no tarball for ${published.name}: ${files.join(', ')}`);
        const path = join(ROOT, 'packs', file);
        const [dryRun] = JSON.parse((await shOk(`npm pack --dry-run --json ${path}`, { cwd: scratch })).stdout) as DryRun[];
        const unpacked = join(scratch, 'unpacked', published.dir);
        mkdirSync(unpacked, { recursive: true });
        await shOk(`tar -xzf ${path} -C ${unpacked}`, { cwd: scratch });
        const manifest = JSON.parse(readFileSync(join(unpacked, 'package', 'package.json'), 'utf8')) as Manifest;
        tarballs.set(published.dir, { path, dryRun: dryRun!, manifest, unpacked: join(unpacked, 'package') });
      }
    }, 240_000);

    afterAll(() => {
      // The sizes, for whoever reads the test output.
      for (const [dir, tarball] of tarballs) {
        console.log(`${dir}: ${tarball.dryRun.size} B packed, ${tarball.dryRun.unpackedSize} B unpacked, ${tarball.dryRun.files.length} files`);
      }
      rmSync(scratch, { recursive: true, force: true });
    });

    describe.each(PUBLISHED)('$name tarball', (published) => {
      it('has what a user needs and nothing else: README, LICENSE, changelog, every entry point, no .tsbuildinfo or tests', () => {
        const { dryRun, manifest } = tarball(published.dir);
        const paths = dryRun.files.map((file) => file.path);
        expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']));
        expect(paths.filter((path) => !/^(package\.json|README\.md|LICENSE|CHANGELOG\.md|(dist|src|bin)\/.+)$/.test(path))).toEqual([]);
        expect(paths.filter((path) => path.endsWith('.tsbuildinfo') || /\.test\.|(^|\/)test\//.test(path))).toEqual([]);
        expect(paths.filter((path) => path.startsWith('src/') && !/\.c?ts$/.test(path))).toEqual([]);
        expect(pointedAt(manifest).filter((path) => !paths.includes(path))).toEqual([]);
        expect(readFileSync(join(tarball(published.dir).unpacked, 'LICENSE'), 'utf8')).toBe(readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
      });

      it('has a README that says how to install it, links the documentation, and (exporter) shows the Quickstart', () => {
        const readme = readFileSync(join(tarball(published.dir).unpacked, 'README.md'), 'utf8');
        expect(readme).toMatch(new RegExp(`npm install (--save-dev )?${published.name}( |$)`, 'm'));
        expect(readme).toContain('https://github.com/keylightdigital/nexus-otel');
        if (published.dir === 'exporter') expect(readme).toContain(quickstart.snippet);
      });

      it('ships no stale build output: every module in dist/ has its source', () => {
        const paths = new Set(tarball(published.dir).dryRun.files.map((file) => file.path));
        const stale = [...paths].filter((path) => {
          const match = /^dist\/(?:cjs\/)?(.+?)\.(?:js|cjs|d\.ts|d\.cts)(?:\.map)?$/.exec(path);
          return match !== null && !paths.has(`src/${match[1]}.ts`) && !paths.has(`src/${match[1]}.cts`);
        });
        expect(stale).toEqual([]);
      });

      it('has source maps only with their sources: every map and every sourceMappingURL resolves inside the package', () => {
        const { dryRun, unpacked } = tarball(published.dir);
        const paths = new Set(dryRun.files.map((file) => file.path));
        const broken: string[] = [];
        for (const path of paths) {
          if (path.endsWith('.map')) {
            const map = JSON.parse(readFileSync(join(unpacked, path), 'utf8')) as { sources: string[]; sourceRoot?: string };
            for (const source of map.sources) {
              const target = normalize(join(dirname(path), map.sourceRoot ?? '', source));
              if (!paths.has(target)) broken.push(`${path} → ${source}`);
            }
          } else if (/\.(c?js|d\.c?ts)$/.test(path)) {
            const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(unpacked, path), 'utf8'))?.[1];
            if (url !== undefined && !paths.has(normalize(join(dirname(path), url)))) broken.push(`${path} → ${url}`);
          }
        }
        expect(broken).toEqual([]);
      });

      it(`weighs at most ${published.maxPacked / 1000} kB packed and ${published.maxUnpacked / 1000} kB unpacked`, () => {
        const { dryRun } = tarball(published.dir);
        expect(dryRun.size).toBeLessThanOrEqual(published.maxPacked);
        expect(dryRun.unpackedSize).toBeLessThanOrEqual(published.maxUnpacked);
      });

      it('has registry metadata, no workspace: range left, and peer ranges open to new minors', () => {
        const { manifest } = tarball(published.dir);
        expect(manifest.name).toBe(published.name);
        expect(manifest.private).toBeUndefined();
        expect(manifest.license).toBe('Apache-2.0');
        expect(manifest.repository).toEqual({ type: 'git', url: REPOSITORY, directory: `packages/${published.dir}` });
        expect(manifest.homepage).toMatch(/^https:\/\/\S+$/);
        expect(manifest.bugs?.url).toMatch(/^https:\/\/\S+$/);
        expect(manifest.keywords?.length ?? 0).toBeGreaterThan(0);
        expect(manifest.publishConfig).toEqual({ access: 'public' });
        const ranges = { ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies, ...manifest.devDependencies };
        expect(Object.entries(ranges).filter(([, range]) => range.startsWith('workspace:'))).toEqual([]);
        expect(Object.entries(manifest.peerDependencies ?? {}).filter(([, range]) => !openToNewMinors(range))).toEqual([]);
        expect(tarball(published.dir).path.endsWith(`-${manifest.version}.tgz`)).toBe(true);
      });

      it('has CommonJS types for require and ESM types for import at every entry point, and attw finds no problem', async () => {
        const attw = join(ROOT, 'node_modules', '.bin', 'attw');
        const run = await sh(`${attw} ${tarball(published.dir).path} --format ascii --no-definitely-typed --no-color --no-emoji`, { cwd: scratch });
        const report = `${run.stdout}${run.stderr}`;
        expect(report, report).toContain('No problems found');
        expect(run.code, report).toBe(0);
        const entries = Object.keys((tarball(published.dir).manifest.exports ?? {}) as Record<string, unknown>).filter((entry) => entry !== './package.json');
        for (const entry of entries) {
          const block = report.split('***').find((part) => part.includes(`"${published.name}${entry.slice(1)}"\n`)) ?? '';
          expect(block, `${entry}:\n${report}`).toContain('node16 (from CJS): OK (CJS)');
          expect(block, `${entry}:\n${report}`).toContain('node16 (from ESM): OK (ESM)');
        }
      });
    });

    describe('@nexus-otel/azure dependencies', () => {
      it('shares the app’s OpenTelemetry packages (caret ranges, no exact pins) and the exporter it was packed with', () => {
        const { manifest } = tarball('azure');
        const otel = Object.entries(manifest.dependencies ?? {}).filter(([name]) => name.startsWith('@opentelemetry/'));
        expect(otel.length).toBeGreaterThan(0);
        expect(otel.filter(([, range]) => !range.startsWith('^'))).toEqual([]);
        expect(manifest.dependencies?.['@nexus-otel/exporter']).toBe(`^${tarball('exporter').manifest.version}`);
      });

      it('asks for the Node its Azure Monitor exporter needs', () => {
        const azureExporter = JSON.parse(
          readFileSync(join(ROOT, 'packages/azure/node_modules/@azure/monitor-opentelemetry-exporter/package.json'), 'utf8'),
        ) as Manifest;
        expect(tarball('azure').manifest.engines?.node).toBe(azureExporter.engines?.node);
      });
    });

    describe('README Install in fresh apps outside the repository', () => {
      const apps = join(scratch, 'apps');
      const esm = join(apps, 'esm-app');
      const cjs = join(apps, 'cjs-app');
      const clone = (command: string): string => command.replaceAll(CLONE, ROOT);
      let nexus: Started | undefined;
      let url = '';
      let key = '';

      beforeAll(async () => {
        mkdirSync(join(esm, 'no-code'), { recursive: true });
        mkdirSync(cjs, { recursive: true });
        writeFileSync(join(esm, 'package.json'), JSON.stringify({ name: 'esm-app', private: true, type: 'module' }));
        writeFileSync(join(cjs, 'package.json'), JSON.stringify({ name: 'cjs-app', private: true }));
        const timeoutMs = 180_000;
        const installs = await Promise.all([
          (async () => [
            await shOk(clone(install.exporter), { cwd: esm, timeoutMs }),
            await shOk(clone(install.localInstall), { cwd: esm, timeoutMs }),
            await shOk(install.sdkNode, { cwd: esm, timeoutMs }),
          ])(),
          shOk(clone(install.exporter), { cwd: cjs, timeoutMs }).then((run) => [run]),
        ]);
        // A conflict or an engine refusal about these packages would greet every user.
        const complaints = installs
          .flat()
          .flatMap((run) => run.stderr.split('\n'))
          .filter((line) => /ERESOLVE|EBADENGINE|peer dep/i.test(line) && /@nexus-otel|@opentelemetry\/api\b/.test(line));
        expect(complaints).toEqual([]);

        nexus = await start(install.localStart, { cwd: esm, ready: /API key \(pro\): nxs_[0-9a-f]+/ });
        url = /Nexus-compatible server on (http:\/\/127\.0\.0\.1:\d+)/.exec(nexus.output())?.[1] ?? '';
        key = /API key \(pro\): (nxs_[0-9a-f]+)/.exec(nexus.output())?.[1] ?? '';
        expect(url).not.toBe('');
      }, 240_000);

      afterAll(() => {
        if (nexus) killGroup(nexus.child);
      });

      /** The README's `… node app.js` line, with the URL and key the local server printed. */
      const runApp = (cwd: string, env: Record<string, string> = {}) =>
        shOk(install.runApp.replace(`http://127.0.0.1:${PORT}`, url).replace(KEY, key), { cwd, env, timeoutMs: 60_000 });

      /** The Nexus trace of OTel trace `otelTraceId`, with its spans, as the Nexus API returns it. */
      async function nexusTrace(otelTraceId: string): Promise<NexusTrace> {
        const headers = { authorization: `Bearer ${key}` };
        const list = (await (await fetch(`${url}/api/v1/traces?limit=200`, { headers })).json()) as NexusTrace[];
        const item = list.find((trace) => trace.metadata['otel_trace_id'] === otelTraceId);
        if (!item) throw new Error(`no Nexus trace with otel_trace_id ${otelTraceId} among ${JSON.stringify(list.map((trace) => trace.metadata))}`);
        return (await (await fetch(`${url}/api/v1/traces/${item.id}`, { headers })).json()) as NexusTrace;
      }

      function otelTraceIdOf(stdout: string): string {
        const id = /otel trace ([0-9a-f]{32})/.exec(stdout)?.[1];
        if (!id) throw new Error(`the app printed no trace id:\n${stdout}`);
        return id;
      }

      function expectTheRun(trace: NexusTrace, otelTraceId: string, agent: string | undefined): void {
        expect(trace).toMatchObject({ status: 'success', metadata: { otel_trace_id: otelTraceId, input_tokens: 12, output_tokens: 3 } });
        if (agent) expect(trace.agent_name).toBe(agent);
        expect(trace.spans?.map((span) => span.name).sort()).toEqual(['chat gpt-4o', 'invoke_agent support-bot']);
      }

      it('ESM app: the Quickstart, run as the README says, puts the trace in Nexus', async () => {
        writeFileSync(join(esm, 'app.js'), `${quickstart.snippet}${WORKLOAD}`);
        const run = await runApp(esm);
        const otelTraceId = otelTraceIdOf(run.stdout);
        expectTheRun(await nexusTrace(otelTraceId), otelTraceId, 'support-bot');
      });

      it('CommonJS app: require() of the Quickstart puts the trace in Nexus (the ESM build, through require(esm))', async () => {
        const app = toCommonJs(`${quickstart.snippet}${WORKLOAD}`);
        expect(app).toContain(quickstart.commonJsImport);
        writeFileSync(join(cjs, 'app.js'), `${app}${WHICH_BUILD}`);
        const run = await runApp(cjs);
        expect(run.stdout).toContain('exporter build: esm');
        const otelTraceId = otelTraceIdOf(run.stdout);
        expectTheRun(await nexusTrace(otelTraceId), otelTraceId, 'support-bot');
      });

      it('CommonJS app where Node cannot require() ES modules (Node 20.6-20.18, 22.0-22.11): the CommonJS build puts the trace in Nexus', async () => {
        writeFileSync(join(cjs, 'app.js'), `${toCommonJs(`${quickstart.snippet}${WORKLOAD}`)}${WHICH_BUILD}`);
        // What those Node versions do by default; no ERR_REQUIRE_ESM.
        const run = await runApp(cjs, { NODE_OPTIONS: '--no-experimental-require-module' });
        expect(run.stderr).not.toContain('ERR_REQUIRE_ESM');
        expect(run.stdout).toContain('exporter build: cjs');
        const otelTraceId = otelTraceIdOf(run.stdout);
        expectTheRun(await nexusTrace(otelTraceId), otelTraceId, 'support-bot');
      });

      it('the bridge, installed from its tarball in a fresh folder: its command takes an OTLP trace and puts it in Nexus', async () => {
        const dir = join(apps, 'bridge');
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bridge-host', private: true }));
        await shOk(`npm install --no-audit --no-fund ${tarball('exporter').path} ${tarball('bridge').path}`, { cwd: dir, timeoutMs: 180_000 });
        const help = await shOk('npx nexus-otel-bridge --help', { cwd: dir });
        expect(help.stdout).toContain('Usage: nexus-otel-bridge');
        const bridge = await start(`NEXUS_API_KEY=${key} NEXUS_BASE_URL=${url} npx nexus-otel-bridge --port 0 --grpc-port 0 --spool-dir ./spool`, {
          cwd: dir,
          ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
        });
        try {
          const bridgeUrl = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(bridge.output())![1]!;
          const otelTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
          const span = (spanId: string, name: string, parentSpanId?: string) => ({
            traceId: otelTraceId,
            spanId,
            ...(parentSpanId ? { parentSpanId } : {}),
            name,
            startTimeUnixNano: '1760000000000000000',
            endTimeUnixNano: '1760000001000000000',
            attributes: name.startsWith('chat')
              ? [{ key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }, { key: 'gen_ai.usage.input_tokens', value: { intValue: '12' } }, { key: 'gen_ai.usage.output_tokens', value: { intValue: '3' } }]
              : [{ key: 'gen_ai.operation.name', value: { stringValue: 'invoke_agent' } }],
          });
          const body = {
            resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'support-bot' } }] }, scopeSpans: [{ scope: { name: 'app' }, spans: [span('00f067aa0ba902b7', 'invoke_agent support-bot'), span('00f067aa0ba902b8', 'chat gpt-4o', '00f067aa0ba902b7')] }] }],
          };
          const response = await fetch(`${bridgeUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
          expect(response.status).toBe(200);
          let trace: NexusTrace | undefined;
          for (let i = 0; i < 100 && trace?.status !== 'success'; i += 1) {
            await new Promise((resolve) => setTimeout(resolve, 100));
            trace = await nexusTrace(otelTraceId).catch(() => undefined);
          }
          expectTheRun(trace!, otelTraceId, 'support-bot');
        } finally {
          killGroup(bridge.child);
        }
      });

      it('@nexus-otel/instrumentation-azure-ai from its tarball beside the exporter’s, no code: an @azure/ai-agents run is an invoke_agent trace in Nexus with its tokens', async () => {
        const dir = join(apps, 'azure-ai');
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'azure-ai-app', private: true }));
        const sdkNode = install.sdkNode.replace(/^npm install /, '');
        const installed = await shOk(
          `npm install --no-audit --no-fund ${tarball('exporter').path} ${tarball('instrumentation-azure-ai').path} @azure/ai-agents@1.1.0 @opentelemetry/api@1.9 ${sdkNode}`,
          { cwd: dir, timeoutMs: 180_000 },
        );
        expect(installed.stderr.split('\n').filter((line) => /ERESOLVE|EBADENGINE|peer dep/i.test(line) && /@nexus-otel|@opentelemetry\/api\b/.test(line))).toEqual([]);

        // CommonJS apps get it with require() too.
        writeFileSync(join(dir, 'check.cjs'), "const { AzureAIInstrumentation } = require('@nexus-otel/instrumentation-azure-ai');\nconsole.log(typeof AzureAIInstrumentation === 'function');\n");
        expect((await shOk('node check.cjs', { cwd: dir })).stdout).toBe('true\n');

        // The SDK's bearer-token policy refuses plain http: the stub speaks TLS with a certificate the app is told to trust.
        const tls = createSelfSignedCert();
        writeFileSync(join(dir, 'stub-ca.pem'), tls.cert);
        const stub = await startFoundryStub(tls, agentsV1Routes());
        try {
          writeFileSync(join(dir, 'app.mjs'), AGENTS_APP);
          const env = { NEXUS_API_KEY: key, NEXUS_BASE_URL: url, OTEL_SERVICE_NAME: 'weather-app', STUB_ENDPOINT: stub.endpoint, NODE_EXTRA_CA_CERTS: join(dir, 'stub-ca.pem') };
          const run = await shOk('node --import @nexus-otel/exporter/register app.mjs', { cwd: dir, env, timeoutMs: 60_000 });
          expect(JSON.parse(run.stdout) as unknown, run.stderr).toEqual({
            status: 'completed',
            usage: { promptTokens: USAGE.prompt_tokens, completionTokens: USAGE.completion_tokens, totalTokens: USAGE.total_tokens },
          });
          const t = `/threads/${IDS.thread}`;
          expect(stub.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
            'POST /assistants',
            'POST /threads',
            `POST ${t}/messages`,
            `POST ${t}/runs`,
            `GET ${t}/runs/${IDS.run}`,
          ]);

          // The API gives no trace name: the run's trace is the one whose root span is its invoke_agent span.
          const headers = { authorization: `Bearer ${key}` };
          const list = (await (await fetch(`${url}/api/v1/traces?limit=200`, { headers })).json()) as NexusTrace[];
          const traces = await Promise.all(list.map(async (item) => (await (await fetch(`${url}/api/v1/traces/${item.id}`, { headers })).json()) as NexusTrace));
          const roots = traces.map((trace) => trace.spans?.find((span) => !span.parent_span_id)?.name);
          // Each top-level call is a trace of its own (the app has no root span); other tests' traces are there too.
          expect(roots.filter((name) => name?.startsWith('create_') || name?.endsWith(AGENT_NAME)).sort(), `${roots.join(', ')}\n${run.stderr}`).toEqual([
            `create_agent ${AGENT_NAME}`,
            'create_message',
            'create_thread',
            `invoke_agent ${AGENT_NAME}`,
          ]);
          const runs = traces.filter((_, i) => roots[i] === `invoke_agent ${AGENT_NAME}`);
          expect(runs).toHaveLength(1);
          expect(runs[0]).toMatchObject({
            status: 'success',
            agent_name: 'weather-app',
            metadata: { input_tokens: USAGE.prompt_tokens, output_tokens: USAGE.completion_tokens },
          });
        } finally {
          await stub.close();
        }
      }, 240_000);

      it('no code: the README command (node --import @nexus-otel/exporter/register app.js) puts an app’s trace in Nexus', async () => {
        const dir = join(esm, 'no-code');
        writeFileSync(join(dir, 'app.js'), WORKLOAD); // the app has no exporter code at all
        const command = quickstart.noCode.replace(KEY, key);
        const run = await shOk(command, { cwd: dir, env: { NEXUS_BASE_URL: url }, timeoutMs: 60_000 });
        const otelTraceId = otelTraceIdOf(run.stdout);
        // OTEL_SERVICE_NAME in the README's command names the agent (without it: unknown_service:node).
        expectTheRun(await nexusTrace(otelTraceId), otelTraceId, 'support-bot');
      });
    });
  },
);
