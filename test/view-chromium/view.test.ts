// The trace view in a real browser: the demo's kind of run (an Azure AI Foundry agent with code
// interpreter and a function tool) is found in the list, opened, and read with its tool spans.
import { mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NexusLocal } from '@nexus-otel/local';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nexusWithAgentRuns } from './agent-run.js';
import { CHROMIUM, hasChromium, launchChromium, type Browser } from './browser.js';
import { requirement } from '../../test-support/requirements.js';

/** Kept after the run for a human to look at; printed by the test. */
export const SCREENSHOT_DIR = join(tmpdir(), 'nexus-otel-view');

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, name);
  await page.screenshot({ path, fullPage });
  const bytes = await readFile(path);
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  console.log(`screenshot: ${path}`);
  return path;
}

/** The <li> of the span with this exact name. */
const spanItem = (page: Page, name: string) =>
  page.locator('li.span').filter({ has: page.locator('.span-name').filter({ hasText: new RegExp(`^${name}$`) }) });

const BROWSER = requirement(hasChromium ? undefined : `needs ${CHROMIUM}`, "install Debian's chromium (apt-get install chromium) and run npm test again");
describe.skipIf(BROWSER.unmet)('trace view in headless Chromium (/usr/bin/chromium)', BROWSER.options, () => {
  let nexus: NexusLocal;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    nexus = await nexusWithAgentRuns();
    browser = await launchChromium();
    page = await browser.context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await nexus?.close();
  });

  it('lists the runs, and the search box narrows the list like the dashboard', async () => {
    await page.goto(`${nexus.url}/`); // redirects to /view
    expect(new URL(page.url()).pathname).toBe('/view');
    const rows = page.locator('table.traces tbody tr');
    expect(await rows.count()).toBe(2);
    // Both fixtures ran the same scenario (ai-projects 2.10 and ai-agents 1.1): the tokens tell them apart.
    const run = rows.filter({ hasText: '1,577 tokens' });
    expect(await run.locator('.name a').innerText()).toBe('weather-math-scenario');
    expect(await run.locator('.badge').textContent()).toBe('success');
    expect(await run.innerText()).toContain('gpt-4o-2024-11-20');
    await screenshot(page, 'list.png');

    await page.fill('input[name=q]', 'resp_0002abcdef');
    await Promise.all([page.waitForURL(/\?q=resp_0002abcdef$/), page.press('input[name=q]', 'Enter')]);
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('weather-math-scenario');
  });

  it('opens the run from the list: header, metadata, and the span tree with its tool spans', async () => {
    await page.goto(nexus.viewUrl());
    const run = page.locator('table.traces tbody tr').filter({ hasText: '1,577 tokens' });
    await Promise.all([page.waitForURL(/\/view\/traces\//), run.locator('.name a').click()]);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    expect(nexus.trace(id)?.name).toBe('weather-math-scenario');

    expect(await page.locator('h1').innerText()).toBe('weather-math-scenario');
    expect(await page.locator('.page-head .badge').textContent()).toBe('success');
    expect(await page.locator('.meta').innerText()).toContain('5d476546ddac3d88d49330a8937f6b34');

    const names = await page.locator('li.span .span-name').allInnerTexts();
    expect(names).toEqual(expect.arrayContaining(['invoke_agent weather-math-agent', 'chat gpt-4o', 'execute_tool get_current_weather']));

    const code = spanItem(page, 'execute_tool code_interpreter');
    expect(await code.count()).toBe(1);
    expect(await code.isVisible()).toBe(true);
    // A tool span sits under the agent invocation, with a bar of real width on the trace's axis.
    expect(await code.getAttribute('style')).toBe('--depth:2');
    const bar = await code.locator('.bar').boundingBox();
    const track = await code.locator('.track').boundingBox();
    expect(bar!.width).toBeGreaterThan(2);
    expect(bar!.x).toBeGreaterThanOrEqual(track!.x);
    expect(bar!.x + bar!.width).toBeLessThanOrEqual(track!.x + track!.width + 1);

    // Input and output are collapsed; one click shows the code the interpreter ran, and its result.
    const input = code.locator('details.io').filter({ hasText: 'Input' });
    const inputPre = input.locator('pre');
    expect(await inputPre.isVisible()).toBe(false);
    await input.locator('summary').click();
    expect(await inputPre.isVisible()).toBe(true);
    expect(await inputPre.innerText()).toBe('import math\nprint(round(math.sqrt(1764), 2))');
    const output = code.locator('details.io').filter({ hasText: 'Output' });
    await output.locator('summary').click();
    expect(await output.locator('pre').innerText()).toBe('42.0');

    const weather = spanItem(page, 'execute_tool get_current_weather');
    await weather.locator('details.io summary').first().click();
    expect(await weather.locator('pre').first().innerText()).toContain('"location": "Seattle, WA"');

    await screenshot(page, 'trace.png');
    await code.scrollIntoViewIfNeeded();
    await screenshot(page, 'trace-1280x800.png', false); // what the window shows, at the tool span
  });
});
