// The bridge's command, from source, for tests that run it as its own process (`kill -9`).
import { main } from '../../src/cli.js';

await main();
