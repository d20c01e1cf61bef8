import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PythonScenario } from './stub-routes.js';

export const AGENT_APP = fileURLToPath(new URL('./agent_app.py', import.meta.url));

export interface RunPythonPeerOptions {
  /** The venv's interpreter, from ensurePythonPeers(). */
  python: string;
  scenario: PythonScenario;
  /** Base URL of the OTLP/HTTP receiver (OTEL_EXPORTER_OTLP_ENDPOINT; /v1/traces and /v1/logs are appended). */
  otlpEndpoint: string;
  /** The stub's project endpoint (https://127.0.0.1:<port>/api/projects/<name>). */
  stubUrl: string;
  /** PEM file to trust for the stub's self-signed certificate (SSL_CERT_FILE, REQUESTS_CA_BUNDLE). */
  caFile: string;
  /** More variables, applied last (e.g. OTEL_SERVICE_NAME, AZURE_TRACING_GEN_AI_CONTENT_RECORDING_ENABLED=false). */
  env?: Record<string, string | undefined>;
  /** Default 60 s; the app is then killed (SIGKILL) and `timedOut` is set. */
  timeoutMs?: number;
}

export interface PythonPeerResult {
  /** The exit code; -1 when the app was killed (timeout or signal). */
  code: number;
  stderr: string;
  stdout: string;
  timedOut: boolean;
}

/** Variables of the caller's environment that would redirect or reshape the app's telemetry. */
const INHERITED_BUT_DROPPED = /^(OTEL_|AZURE_TRACING_|AZURE_SDK_TRACING_|PEER_|OPENAI_|PROJECT_ENDPOINT$|SSL_CERT_|REQUESTS_CA_BUNDLE$|CURL_CA_BUNDLE$|PYTHON)/;

/**
 * Runs agent_app.py's scenario once, to its end. The app exports to `otlpEndpoint` with the OTLP/HTTP
 * protobuf exporters (BatchSpanProcessor / BatchLogRecordProcessor, flushed and shut down before it
 * exits), so everything it sends has arrived when this resolves.
 */
export function runPythonPeer(options: RunPythonPeerOptions): Promise<PythonPeerResult> {
  const { python, scenario, otlpEndpoint, stubUrl, caFile, timeoutMs = 60_000 } = options;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !INHERITED_BUT_DROPPED.test(key)) env[key] = value;
  Object.assign(env, {
    PEER_SCENARIO: scenario,
    PROJECT_ENDPOINT: stubUrl,
    OPENAI_BASE_URL: `${stubUrl.replace(/\/+$/, '')}/openai/v1`,
    OPENAI_API_KEY: 'stub-key',
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_SERVICE_NAME: `python-peer-${scenario}`,
    SSL_CERT_FILE: caFile,
    REQUESTS_CA_BUNDLE: caFile,
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUNBUFFERED: '1',
  });
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }

  return new Promise((resolve, reject) => {
    const child = spawn(python, [AGENT_APP, scenario], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      stderr += `\n[runPythonPeer: ${scenario} killed after ${timeoutMs / 1000}s]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stderr, stdout, timedOut });
    });
  });
}
