#!/usr/bin/env node
// The bridge's command: the built CLI (npm run build). A committed file, so the bin links at install.
import { main } from '../dist/cli.js';

await main();
