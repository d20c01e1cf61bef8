// The commands of the README's Install section and its Quickstart, as the test runs them. Each
// command is found by what it starts with; a command the test does not run fails the parse, so the
// README cannot show a step the test skips.

/** The text of `## <title>` up to the next `## ` heading. */
export function section(markdown: string, title: string): string {
  const heading = `\n## ${title}\n`;
  const start = markdown.indexOf(heading);
  if (start < 0) throw new Error(`README.md has no "## ${title}" section`);
  const rest = markdown.slice(start + heading.length);
  const end = rest.indexOf('\n## ');
  return end < 0 ? rest : rest.slice(0, end);
}

const FENCE = /```(\w*)\n([\s\S]*?)```/g;

export function codeBlocks(text: string, lang: string): string[] {
  return [...text.matchAll(FENCE)].filter((match) => match[1] === lang).map((match) => match[2]!);
}

/** Inline `code` of the prose (outside fenced blocks). */
export function inlineCode(text: string): string[] {
  return [...text.replace(FENCE, '').matchAll(/`([^`\n]+)`/g)].map((match) => match[1]!);
}

/** One command a line, without its trailing `# comment`. */
export function commands(block: string): string[] {
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '');
}

export interface InstallSection {
  /** `npm run pack`, run in the clone. */
  pack: string;
  /** The app's install from the exporter's tarball. */
  exporter: string;
  /** The same install once the packages are published (prose). */
  registry: string;
  /** The OpenTelemetry Node SDK for the no-code path (prose). */
  sdkNode: string;
  /** The local Nexus server's install from its tarball. */
  localInstall: string;
  /** The local Nexus server's start. */
  localStart: string;
  /** The app run against the local server. */
  runApp: string;
}

/** Placeholders of the README's commands. */
export const CLONE = '/path/to/nexus-otel';
export const PORT = '<port>';
export const KEY = 'nxs_…';

export function installSection(readme: string): InstallSection {
  const text = section(readme, 'Install');
  const blockCommands = codeBlocks(text, 'sh').flatMap(commands);
  const taken = new Set<string>();
  const one = (what: string, from: readonly string[], test: (command: string) => boolean): string => {
    const found = from.filter(test);
    if (found.length !== 1) throw new Error(`README Install: expected one command that ${what}, found ${JSON.stringify(found)}`);
    taken.add(found[0]!);
    return found[0]!;
  };
  const prose = inlineCode(text);
  const install: InstallSection = {
    pack: one('builds the tarballs', blockCommands, (command) => command === 'npm run pack'),
    exporter: one('installs the exporter tarball', blockCommands, (command) => command.startsWith(`npm install ${CLONE}/packs/nexus-otel-exporter-`)),
    registry: one('installs the exporter from the registry', prose, (command) => command.startsWith('npm install @nexus-otel/exporter ')),
    sdkNode: one('installs the Node SDK', prose, (command) => command.startsWith('npm install @opentelemetry/sdk-node@')),
    localInstall: one('installs the local server tarball', blockCommands, (command) => command.startsWith(`npm install --save-dev ${CLONE}/packs/nexus-otel-local-`)),
    localStart: one('starts the local server', blockCommands, (command) => command.startsWith('npx nexus-otel-local')),
    runApp: one('runs the app against it', blockCommands, (command) => command.endsWith(' node app.js')),
  };
  const untested = blockCommands.filter((command) => !taken.has(command));
  if (untested.length > 0) throw new Error(`README Install: commands the test does not run: ${JSON.stringify(untested)}`);
  return install;
}

export interface QuickstartSection {
  /** The setup snippet (ESM). */
  snippet: string;
  /** The sentence's CommonJS import line. */
  commonJsImport: string;
  /** `NEXUS_API_KEY=nxs_… OTEL_SERVICE_NAME=support-bot OTEL_TRACES_EXPORTER=nexus node --import @nexus-otel/exporter/register app.js`. */
  noCode: string;
}

export function quickstartSection(readme: string): QuickstartSection {
  const text = section(readme, 'Quickstart');
  const [snippet, ...others] = codeBlocks(text, 'ts');
  if (snippet === undefined || others.length > 0) throw new Error('README Quickstart: expected one ts block');
  const prose = inlineCode(text);
  const commonJsImport = prose.find((code) => code.includes("require('@nexus-otel/exporter')"));
  const noCode = prose.find((code) => code.includes('--import @nexus-otel/exporter/register'));
  if (!commonJsImport || !noCode) throw new Error('README Quickstart: the CommonJS import or the no-code command is missing');
  return { snippet, commonJsImport, noCode };
}

/** An ES module's `import { … } from '…';` lines as CommonJS `require` calls. */
export function toCommonJs(moduleSource: string): string {
  const converted = moduleSource.replace(/^import \{([^}]+)\} from '([^']+)';$/gm, "const {$1} = require('$2');");
  if (/^import /m.test(converted)) throw new Error(`an import this conversion does not handle:\n${converted}`);
  return converted;
}
