#!/usr/bin/env node
// The `nexus-otel-local` command. It lives outside dist/ so that it exists before the first build:
// package managers link a bin only if its file is there at install time (pnpm prints "Failed to
// create bin" and links nothing, and `npx nexus-otel-local` then asks the registry for it).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('nexus-otel-local is not built yet: run `npm run build` at the root of the nexus-otel repository.');
  process.exit(1);
}
const { main } = await import(cli.href);
main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
