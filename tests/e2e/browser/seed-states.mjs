// Screenshots of the UI on a library holding only the seed article (no outlet, no date): the
// library line, the empty chat, the conversation controls, an inline attribution with a hedge.
//
//   node tests/e2e/browser/seed-states.mjs http://127.0.0.1:PORT SCREENSHOT_DIR PREFIX
//
// Not an assertion-bearing test (ui.spec.mjs is); it records the states a newcomer sees first
// so a change to them can be looked at before and after.

import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [BASE, SHOTS, PREFIX = 'seed'] = process.argv.slice(2);
if (!BASE || !SHOTS) {
  console.error('usage: node seed-states.mjs <base-url> <screenshot-dir> [prefix]');
  process.exit(2);
}
mkdirSync(SHOTS, { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
page.setDefaultTimeout(120_000);
const shot = (name) => page.screenshot({ path: join(SHOTS, `${PREFIX}-${name}.png`), fullPage: true });
try {
  await page.goto(BASE.replace(/\/+$/, '') + '/', { waitUntil: 'domcontentloaded' });
  await page.locator('#library-line', { hasText: 'Library:' }).waitFor();
  await page.waitForTimeout(1500);
  console.log('library line:', await page.locator('#library-line').innerText());
  console.log('empty chat:', await page.locator('#chat').innerText());
  await shot('1-empty-chat');
  await page.locator('#question textarea').fill('What are Ukrainian soldiers running low on?');
  await page.locator('#ask').click();
  await page.locator('#chat a', { hasText: '[1]' }).first().waitFor();
  await page.waitForTimeout(1000);
  const bots = page.locator('#chat [data-testid="bot"], #chat .message.bot');
  console.log('answer:', await bots.last().innerText());
  await shot('2-answer');
  const del = page.locator('#conv-delete');
  if (await del.isVisible()) {
    await del.click();
    await page.waitForTimeout(800);
    await shot('3-delete-asked');
    const confirm = page.locator('#conv-delete-confirm');
    if (await confirm.count() && await confirm.isVisible()) {
      await confirm.click();
      await page.locator('#conv-message', { hasText: 'deleted' }).waitFor();
    }
    await shot('4-after-delete');
  }
} finally {
  await browser.close();
}
