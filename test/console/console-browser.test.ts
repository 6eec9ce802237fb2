/**
 * The console in a real browser: Debian's Chromium, headless, driven by playwright-core,
 * against the real service on loopback with no configuration at all. Screenshots go to
 * test-artifacts/console/ for a human to look at.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEPS } from '../../src/core/taxonomy.ts';
import { startTestService, type TestService } from '../support/service-harness.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = new URL('../../test-artifacts/console/', import.meta.url).pathname;

let t: TestService;
let browser: Browser;
let context: BrowserContext;
const offsite: string[] = [];

async function open(path: string): Promise<Page> {
  const page = await context.newPage();
  page.on('request', (r) => {
    if (!r.url().startsWith(t.base)) offsite.push(r.url());
  });
  const res = await page.goto(`${t.base}${path}`);
  expect(res?.status()).toBe(200);
  expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
  return page;
}

async function coachApi(text: string): Promise<{ caseId: string }> {
  const r = await fetch(`${t.base}/api/v1/coach`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
  expect(r.status).toBe(200);
  return (await r.json()) as { caseId: string };
}

// Skipped only on a developer machine without Chromium; CI installs it, and there a missing
// browser is a failure, not a skip.
describe.skipIf(!existsSync(CHROMIUM) && process.env.CI !== 'true')('the console in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestService({ TEAMS_ENABLED: 'false' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // The flags keep Chromium from calling home on a machine with no outside network.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.base });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('coaches a three-turn case, highlights the cues, and copies a wording', async () => {
    const page = await open('/');
    const turns = [
      'This is the THIRD time I am writing about the double charge!!! Nobody reads anything.',
      'Fine. So what are you actually going to do about it?',
      'Okay, a refund by Friday works. Thank you for finally listening.',
    ];
    for (const [i, text] of turns.entries()) {
      await page.getByLabel(/What the customer said/).fill(text);
      await page.getByRole('button', { name: 'Coach me' }).click();
      await expect.poll(() => page.locator('#conversation li.customer').count()).toBe(i + 1);
    }
    await expect.poll(() => page.locator('#case-label').textContent()).toContain('Case turn 3');
    expect(await page.locator('#advice h3').first().textContent()).toMatch(/^Next step: /);
    expect(await page.locator('#advice meter').getAttribute('value')).toMatch(/^\d+$/);
    expect(await page.locator('#conversation mark.cue').count()).toBeGreaterThan(0);
    expect(await page.locator('#advice .sources').textContent()).toMatch(/\.txt\)/);

    const copy = page.locator('#advice button.copy').first();
    const wording = await copy.getAttribute('data-text');
    await copy.click();
    await expect.poll(() => copy.textContent()).toBe('Copied');
    // Runs in the page (a string: the tests are type-checked without the DOM library).
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(wording);
    await page.screenshot({ path: `${ARTIFACTS}coach.png`, fullPage: true });
  });

  it('reviews a draft with the harmful spans marked and a better wording', async () => {
    const page = await open('/');
    await page.getByLabel('Your draft reply').fill('Calm down. You should have read our policy before ordering.');
    await page.getByLabel(/customer's message it answers/).fill('Where is my refund??');
    await page.getByRole('button', { name: 'Review' }).click();
    await expect.poll(() => page.locator('#review mark.harmful').count()).toBeGreaterThan(0);
    expect(await page.locator('#review .better').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}review.png`, fullPage: true });
  });

  it('runs a drill in the page', async () => {
    const page = await open('/');
    await page.getByLabel('Scenario').selectOption('late-delivery');
    await page.getByRole('button', { name: 'Start a drill' }).click();
    await expect.poll(() => page.locator('#drill-log li').count()).toBe(1);
    await page.getByLabel('Your reply to the customer').fill("I'm so sorry, a missed birthday present is awful and you shouldn't have had to chase us.");
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.locator('#drill-log li').count()).toBe(3);
    expect(await page.locator('#drill-intro').textContent()).toContain('Order 58213');
  });

  it('shows escalations live and takes one from the page', async () => {
    const first = await coachApi('I have had enough. My lawyer will be filing a complaint with the regulator about this.');
    const page = await open('/supervisor');
    await expect.poll(() => page.locator('#live').textContent()).toBe('Live');
    await expect.poll(() => page.locator(`article[data-case="${first.caseId}"]`).count()).toBe(1);
    expect(await page.locator(`article[data-case="${first.caseId}"] h3`).textContent()).toMatch(/legal/i);

    // A new escalation elsewhere appears without a reload (server-sent events).
    const second = await coachApi('If nobody calls me today I will hurt myself, I cannot take this anymore.');
    await expect.poll(() => page.locator(`article[data-case="${second.caseId}"]`).count(), { timeout: 5000 }).toBe(1);

    await page.locator(`article[data-case="${first.caseId}"] button.take`).click();
    await expect.poll(() => page.locator(`article[data-case="${first.caseId}"] .ack`).textContent()).toContain('Taken by');
    expect(await page.locator('#steps tbody tr').count()).toBe(STEPS.length);
    await page.screenshot({ path: `${ARTIFACTS}supervisor.png`, fullPage: true });
  });

  it('labels every control, loads nothing from elsewhere, and answers only this machine without a token', async () => {
    const page = await open('/');
    const unlabelled = await page.evaluate(`[...document.querySelectorAll('textarea, select, input')].filter((c) => !document.querySelector('label[for="' + c.id + '"]')).map((c) => c.id)`);
    expect(unlabelled).toEqual([]);
    expect(offsite).toEqual([]);
    const proxied = await fetch(`${t.base}/`, { headers: { 'x-forwarded-for': '203.0.113.5' } });
    expect(proxied.status).toBe(401);
  });
});
