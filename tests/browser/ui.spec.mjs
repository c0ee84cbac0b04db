// Real-browser end-to-end test of the newsdesk UI: playwright-core driving Debian chromium.
//
//   node tests/browser/ui.spec.mjs http://127.0.0.1:PORT SCREENSHOT_DIR
//
// Expects an empty library at start (the pytest wrapper tests/test_browser.py starts
// `newsdesk serve` on an empty NEWSDESK_HOME). Each step asserts something concrete and writes
// a numbered screenshot to SCREENSHOT_DIR; on any failure it writes failure.png, prints a clear
// message and exits 1. Never waits for 'networkidle': Gradio keeps a stream open.

import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BASE = (process.argv[2] || '').replace(/\/+$/, '');
const SHOTS = process.argv[3];
if (!BASE || !SHOTS) {
  console.error('usage: node ui.spec.mjs <base-url> <screenshot-dir>');
  process.exit(2);
}
mkdirSync(SHOTS, { recursive: true });

const OUTLET = 'Valley Courier';
const QUESTION = 'When did the main bridge reopen?';
const ANSWER_FRAGMENT = 'reopened on Saturday, March 2';
const FILE_NAME = 'alder-flood.html';

// The article: outlet and date in meta tags, one sentence that answers QUESTION, and hostile
// markup in the body: escaped <script> text (becomes literal text in the article) and a real
// <img onerror> (must never execute anywhere).
const ARTICLE_HTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Flood waters recede in Millbrook as river town counts the cost</title>
<meta property="og:site_name" content="${OUTLET}">
<meta property="og:title" content="Flood waters recede in Millbrook as river town counts the cost">
<meta property="article:published_time" content="2024-03-02T09:30:00Z">
<meta name="author" content="Dana Whitfield">
</head><body>
<header><nav><a href="/">Home</a> | <a href="/local">Local</a></nav></header>
<article>
<h1>Flood waters recede in Millbrook as river town counts the cost</h1>
<p>MILLBROOK — The Alder River fell below flood stage on Friday night, a week after it burst its
banks and sent brown water through the low streets of this river town of 4,000 people.</p>
<p>The main bridge over the Alder River reopened on Saturday, March 2, after state engineers
spent two days inspecting its stone pillars for damage.</p>
<p>Mayor Ellen Ortiz said about 120 homes on Water Street and Mill Lane had been flooded and
that the town would ask the county for emergency repair funds.</p>
<p>Residents said &lt;script&gt;window.__pwned=1&lt;/script&gt; and <img src=x onerror="window.__pwned=2"> nothing happened.</p>
<p>Volunteers from the fire station filled more than 6,000 sandbags during the week, and the
school gym served as a shelter for families who had to leave their homes.</p>
<p>The National Weather Service said more rain is expected next week but that the river
should stay within its banks.</p>
</article>
<footer>Copyright ${OUTLET}</footer>
</body></html>
`;

const LAUNCH = {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};

const T_SHORT = 15_000; // UI reactions
const T_ADD = 120_000; // upload + extraction + embedding
const T_ANSWER = 120_000; // the first question loads the embedding model

class StepFailure extends Error {}

function check(condition, message) {
  if (!condition) throw new StepFailure(message);
}

let shotCount = 0;
async function shot(page, name) {
  shotCount += 1;
  const file = join(SHOTS, `${String(shotCount).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

const started = Date.now();
let current = 'setup';
async function step(name, fn) {
  current = name;
  const t0 = Date.now();
  await fn();
  console.log(`ok   ${name}  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

// Text of the last assistant (bot) message in #chat.
async function lastBotText(page) {
  return page.evaluate(() => {
    const bots = document.querySelectorAll('#chat [data-testid="bot"], #chat .message.bot');
    const last = bots[bots.length - 1];
    return last ? last.innerText : '';
  });
}

async function waitForBotCount(page, n, timeout) {
  await page.waitForFunction(
    (count) =>
      document.querySelectorAll('#chat [data-testid="bot"], #chat .message.bot').length >= count,
    n,
    { timeout },
  );
}

const workDir = mkdtempSync(join(tmpdir(), 'newsdesk-ui-'));
const articlePath = join(workDir, FILE_NAME);
writeFileSync(articlePath, ARTICLE_HTML);

const browser = await chromium.launch(LAUNCH);
const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
context.setDefaultTimeout(T_SHORT);
const page = await context.newPage();
let activePage = page;
const dialogs = [];
const pageErrors = [];
context.on('page', (p) => {
  p.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
});
page.on('dialog', (d) => {
  dialogs.push(d.message());
  d.dismiss().catch(() => {});
});
page.on('pageerror', (e) => pageErrors.push(String(e)));

let exitCode = 0;
try {
  // a. The page loads: question box and the library line.
  await step('a. page loads with question box and library line', async () => {
    await page.goto(BASE + '/', { waitUntil: 'domcontentloaded' });
    await page.locator('#question textarea').waitFor({ state: 'visible' });
    await page.locator('#library-line', { hasText: 'Library:' }).waitFor();
    const line = await page.locator('#library-line').innerText();
    check(/Library:\s*0 articles/.test(line), `library line should show an empty library: ${line}`);
    await shot(page, 'loaded');
  });

  // b. Upload the HTML article on the "Add articles" tab.
  await step('b. upload an HTML article and add it', async () => {
    await page.getByRole('tab', { name: 'Add articles' }).click();
    const input = page.locator('#upload input[type=file]');
    await input.waitFor({ state: 'attached' });
    await input.setInputFiles(articlePath);
    // the upload is done when the component lists the file with a download link to the server's
    // copy (the visible name is split into stem and extension spans, so match the attribute)
    await page
      .locator(`#upload a[data-testid="download-link"][download="${FILE_NAME}"]`)
      .waitFor({ timeout: 30_000 });
    await page.locator('#add').click();
    await page.locator('#add-summary', { hasText: 'Done' }).waitFor({ timeout: T_ADD });
    await page.locator('#add-results', { hasText: 'added' }).waitFor();
    const summary = await page.locator('#add-summary').innerText();
    check(/\badded 1\b/.test(summary) && /\bfailed 0\b/.test(summary),
      `add summary should report 1 article added and none failed: ${summary}`);
    const results = await page.locator('#add-results').innerText();
    check(results.includes(FILE_NAME), `results table should name the file: ${results}`);
    check(results.includes('Flood waters recede'), `results table should show the title: ${results}`);
    await page.locator('#library-line', { hasText: '1 articles' }).waitFor();
    await shot(page, 'added');
  });

  // c. Ask a question the article answers: a cited answer and a source card with a highlight.
  await step('c. ask: answer cites [1], card 1 has a highlight and the outlet', async () => {
    await page.getByRole('tab', { name: 'Ask' }).click();
    const box = page.locator('#question textarea');
    await box.waitFor({ state: 'visible' });
    await box.fill(QUESTION);
    await page.locator('#ask').click();
    await waitForBotCount(page, 1, T_SHORT);
    await page.waitForFunction(
      () => {
        const bots = document.querySelectorAll('#chat [data-testid="bot"], #chat .message.bot');
        const last = bots[bots.length - 1];
        return last && last.innerText.includes('[1]');
      },
      null,
      { timeout: T_ANSWER },
    );
    const answer = await lastBotText(page);
    check(answer.includes(ANSWER_FRAGMENT),
      `the answer should quote the sentence that answers the question: ${answer}`);
    const card = page.locator('#sources-panel #source-1');
    await card.locator('mark').first().waitFor();
    const cardText = await card.innerText();
    check(cardText.includes(OUTLET), `card 1 should show the outlet ${OUTLET}: ${cardText}`);
    check(cardText.includes('2024-03-02'), `card 1 should show the date 2024-03-02: ${cardText}`);
    const marked = await card.locator('mark').first().innerText();
    check(marked.includes('bridge') || marked.includes('reopened'),
      `the highlight in card 1 should be the cited sentence: ${marked}`);
    // the citation marker links to its card
    const href = await page.locator('#chat a', { hasText: '[1]' }).last().getAttribute('href');
    check(href && href.endsWith('#source-1'), `the [1] marker should link to #source-1: ${href}`);
    await shot(page, 'answered');
  });

  // d. No script from the article ran; no event-handler markup reached the page.
  await step('d. hostile article markup is inert', async () => {
    const pwned = await page.evaluate(() => typeof window.__pwned);
    check(pwned === 'undefined', `window.__pwned is ${pwned}: script from the article ran`);
    const bad = await page.evaluate(
      () =>
        document.querySelectorAll(
          '#chat img[onerror], #sources-panel img[onerror], #chat script, #sources-panel script',
        ).length,
    );
    check(bad === 0, `${bad} <img onerror>/<script> element(s) inside #chat or the sources panel`);
    check(dialogs.length === 0, `unexpected dialogs: ${JSON.stringify(dialogs)}`);
    // the article's escaped <script> is shown as literal text in the card's passage
    const passage = await page.locator('#sources-panel #source-1 .nd-passage').innerText();
    check(passage.includes('<script>window.__pwned=1</script>'),
      `card 1 should show the article's <script> text literally: ${passage}`);
    await shot(page, 'inert');
  });

  // e. "open article" opens the reader with the cited sentence highlighted.
  await step('e. open article: reader page highlights the cited sentence', async () => {
    const link = page.locator('#sources-panel #source-1 a.nd-open', { hasText: 'open article' });
    const href = await link.getAttribute('href');
    check(href && href.startsWith('/reader/') && href.includes('?h=') && href.endsWith('#hl-0'),
      `the open article link should point at the reader with highlights: ${href}`);
    const [reader] = await Promise.all([context.waitForEvent('page'), link.click()]);
    activePage = reader;
    reader.on('pageerror', (e) => pageErrors.push(String(e)));
    await reader.waitForLoadState('domcontentloaded');
    await reader.locator('h1#title').waitFor();
    const title = await reader.locator('h1#title').innerText();
    check(title.includes('Flood waters recede'), `reader title: ${title}`);
    const mark = reader.locator('mark#hl-0');
    await mark.waitFor();
    const marked = await mark.innerText();
    check(marked.includes(ANSWER_FRAGMENT), `mark#hl-0 should hold the cited sentence: ${marked}`);
    const meta = await reader.locator('p.meta').allInnerTexts();
    check(meta.join(' ').includes(OUTLET), `reader should name the outlet: ${meta.join(' | ')}`);
    // the escaped <script> of the article is shown as text, not run
    const text = await reader.locator('#article-text').innerText();
    check(text.includes('<script>window.__pwned=1</script>'),
      'the reader should show the article\'s <script> text literally');
    const state = await reader.evaluate(() => ({
      pwned: typeof window.__pwned,
      scripts: document.querySelectorAll('script').length,
      handlers: document.querySelectorAll('[onerror], [onload], [onclick]').length,
    }));
    check(state.pwned === 'undefined' && state.scripts === 0 && state.handlers === 0,
      `reader page must be inert: ${JSON.stringify(state)}`);
    await shot(reader, 'reader');
    await reader.close();
    activePage = page;
    await page.bringToFront();
  });

  // f. Filters: outlet chip + active-filters line; a "since" after the article filters it out.
  await step('f. filters: outlet, then since 2030-01-01 declines', async () => {
    const dropdown = page.locator('#outlets input').first();
    await dropdown.click();
    await page.getByRole('option', { name: OUTLET }).click();
    await page.locator('#active-filters', { hasText: 'Active filters' }).waitFor();
    let active = await page.locator('#active-filters').innerText();
    check(active.includes(OUTLET), `active filters should name the outlet: ${active}`);
    // close the option list so the screenshot shows the chip and the filter line
    await page.keyboard.press('Escape');
    await page.getByRole('option', { name: OUTLET }).waitFor({ state: 'hidden' });
    const chips = await page.locator('#outlets').innerText();
    check(chips.includes(OUTLET), `the outlet should show as a chosen value: ${chips}`);
    await shot(page, 'outlet-filter');

    const since = page.locator('#since textarea, #since input').first();
    await since.fill('2030-01-01');
    await page.locator('#active-filters', { hasText: '2030-01-01' }).waitFor();
    active = await page.locator('#active-filters').innerText();
    check(active.includes(OUTLET) && active.includes('2030-01-01'),
      `active filters should name the outlet and the date: ${active}`);

    const before = await page.evaluate(
      () => document.querySelectorAll('#chat [data-testid="bot"], #chat .message.bot').length,
    );
    await page.locator('#question textarea').fill(QUESTION);
    await page.locator('#ask').click();
    await waitForBotCount(page, before + 1, T_SHORT);
    await page.waitForFunction(
      () => {
        const bots = document.querySelectorAll('#chat [data-testid="bot"], #chat .message.bot');
        const last = bots[bots.length - 1];
        return last && /do not answer/i.test(last.innerText);
      },
      null,
      { timeout: T_ANSWER },
    );
    const answer = await lastBotText(page);
    check(!answer.includes(ANSWER_FRAGMENT),
      `the filtered answer must not quote the filtered-out article: ${answer}`);
    await page.locator('#sources-panel', { hasText: 'No sources cited' }).waitFor();
    check(await page.locator('#sources-panel #source-1').count() === 0,
      'no source card should remain after the filtered question');
    await shot(page, 'filtered');
  });

  await step('g. timeline tab lists the passage with its event date', async () => {
    await page.locator('#since textarea, #since input').first().fill('');
    await page.locator('#active-filters', { hasText: 'Active filters' }).waitFor();
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page.locator('#timeline-topic textarea').fill('main bridge reopened');
    await page.locator('#timeline-go').click();
    await page.locator('#timeline-list li').first().waitFor({ timeout: T_ANSWER });
    const text = await page.locator('#timeline').innerText();
    check(text.includes('2024-03-02') && text.includes(OUTLET),
      `the timeline should date the reopening and name the outlet: ${text}`);
    check(!(await page.evaluate(() => window.__pwned)), 'no script from the article may run');
    await shot(page, 'timeline');
  });

  check(pageErrors.length === 0, `uncaught page errors: ${pageErrors.join(' | ')}`);
  console.log(`PASS all steps in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${SHOTS}`);
} catch (err) {
  exitCode = 1;
  try {
    await activePage.screenshot({ path: join(SHOTS, 'failure.png'), fullPage: true });
  } catch (e) {
    console.error(`(could not take failure.png: ${e.message})`);
  }
  const kind = err instanceof StepFailure ? 'assertion failed' : `${err.name}`;
  console.error(`FAIL in step "${current}": ${kind}: ${err.message}`);
  if (pageErrors.length) console.error(`page errors: ${pageErrors.join(' | ')}`);
  console.error(`screenshot: ${join(SHOTS, 'failure.png')}`);
} finally {
  await browser.close().catch(() => {});
  rmSync(workDir, { recursive: true, force: true });
}
process.exit(exitCode);
