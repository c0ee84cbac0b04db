// Real-browser end-to-end test of the newsdesk UI: playwright-core driving Debian chromium.
//
//   node tests/e2e/browser/ui.spec.mjs http://127.0.0.1:PORT SCREENSHOT_DIR
//
// Expects an empty library at start (the pytest wrapper tests/e2e/test_browser.py starts
// `newsdesk serve` on an empty NEWSDESK_HOME). Each step asserts something concrete and writes
// a numbered screenshot to SCREENSHOT_DIR; on any failure it writes failure.png, prints a clear
// message and exits 1. Never waits for 'networkidle': Gradio keeps a stream open.

import { chromium } from 'playwright-core';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BASE = (process.argv[2] || '').replace(/\/+$/, '');
const SHOTS = process.argv[3];
if (!BASE || !SHOTS) {
  console.error('usage: node ui.spec.mjs <base-url> <screenshot-dir>');
  process.exit(2);
}
mkdirSync(SHOTS, { recursive: true });

const REPORTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'reports');
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

const T_SHORT = 30_000; // UI reactions
const T_ADD = 240_000; // upload + extraction + embedding
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

// Ask in the chat and wait until the new last bot message passes ``done``.
async function askAndWait(page, question, done) {
  const before = await page.evaluate(
    () => document.querySelectorAll('#chat [data-testid="bot"], #chat .message.bot').length,
  );
  const previous = await lastBotText(page);
  await page.locator('#question textarea').fill(question);
  await page.locator('#ask').click();
  await waitForBotCount(page, before + 1, T_SHORT);
  // the reply starts as "Searching the articles…": wait for it, then for what replaces it
  await page.locator('#chat', { hasText: 'Searching the articles' }).waitFor({ timeout: 5_000 })
    .catch(() => {});
  const deadline = Date.now() + T_ANSWER;
  for (;;) {
    const text = await lastBotText(page);
    if (text !== previous && !/Searching the articles/.test(text) && done(text)) return text;
    if (Date.now() > deadline) throw new StepFailure(`no answer to "${question}": ${text}`);
    await page.waitForTimeout(300);
  }
}

const LONG_TITLE = 'Norchem fire: what we know about the blaze, the evacuation, the cause and the council vote';
const workDir = mkdtempSync(join(tmpdir(), 'newsdesk-ui-'));
const articlePath = join(workDir, FILE_NAME);
writeFileSync(articlePath, ARTICLE_HTML);
const uploads = [articlePath];
for (const name of readdirSync(REPORTS)) {
  copyFileSync(join(REPORTS, name), join(workDir, name));
  uploads.push(join(workDir, name));
}
// an outlet that gives the gazette's count differently (a conflict), with a colon in its
// unquoted front-matter title, and a JSON file that is broken
writeFileSync(join(workDir, 'post-evacuation.md'), `---
title: ${LONG_TITLE}
outlet: Easton Post
date: 2024-05-11
---
Officials said 1,200 residents were evacuated from the streets around the plant overnight.

The fire at the Norchem plant was the worst in the town in a decade.
`);
writeFileSync(join(workDir, 'broken.json'), '{"title": "A", "text": "Body."\n "url": "x"}');
uploads.push(join(workDir, 'post-evacuation.md'), join(workDir, 'broken.json'));

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
  // a. The page loads empty: the chat points to the Add articles tab, llm cannot be chosen.
  await step('a. empty library: the chat says where to add articles; llm is off', async () => {
    await page.goto(BASE + '/', { waitUntil: 'domcontentloaded' });
    await page.locator('#question textarea').waitFor({ state: 'visible' });
    await page.locator('#library-line', { hasText: 'Library:' }).waitFor();
    const line = await page.locator('#library-line').innerText();
    check(/Library:\s*0 articles/.test(line), `library line should show an empty library: ${line}`);
    const chat = await page.locator('#chat').innerText();
    check(chat.includes('Add articles') && !chat.includes('newsdesk ingest'),
      `the empty chat should point to the Add articles tab: ${chat}`);
    check(!(await page.locator('#conv-delete').isVisible()),
      'no conversation is open, so there must be no Delete conversation button');
    const llm = page.locator('#engine input[value="llm"]');
    check(await llm.isDisabled(), 'the llm engine must not be selectable without a model');
    const engine = await page.locator('#engine').innerText();
    check(/no language model/i.test(engine), `the engine should say why llm is off: ${engine}`);
    await askAndWait(page, QUESTION, (t) => /No articles yet/.test(t));
    const reply = await lastBotText(page);
    check(reply.includes('Add articles') && !reply.includes('newsdesk ingest'),
      `asking an empty library should point to the Add articles tab: ${reply}`);
    await page.locator('#new-chat').click();
    await page.waitForFunction(() => !document.querySelector('#chat [data-testid="bot"]'));
    await shot(page, 'empty');
  });

  // b. Upload the HTML article, the test reports and two awkward files; ask while it runs.
  await step('b. upload: progress, an ask meanwhile, reasons in full, original names', async () => {
    await page.getByRole('tab', { name: 'Add articles' }).click();
    const input = page.locator('#upload input[type=file]');
    await input.waitFor({ state: 'attached' });
    await input.setInputFiles(uploads);
    for (const name of uploads.map((u) => u.split('/').pop())) {
      await page.locator(`#upload a[data-testid="download-link"][download="${name}"]`)
        .waitFor({ timeout: 30_000 });
    }
    await page.locator('#add').click();
    await page.waitForTimeout(700);
    await shot(page, 'uploading');
    // the first add loads the embedding model: ask meanwhile, the library is not "empty"
    await page.getByRole('tab', { name: 'Ask' }).click();
    await askAndWait(page, QUESTION, (t) => !/Searching/.test(t));
    const meanwhile = await lastBotText(page);
    check(/being added right now/.test(meanwhile) && !/No articles yet/.test(meanwhile),
      `an ask during the upload should say articles are being added: ${meanwhile}`);
    await page.getByRole('tab', { name: 'Add articles' }).click();
    await page.locator('#add-summary', { hasText: 'Done' }).waitFor({ timeout: T_ADD });
    const summary = await page.locator('#add-summary').innerText();
    check(/\badded 5\b/.test(summary) && /\bfailed 1\b/.test(summary),
      `add summary should report 5 articles added and 1 failed: ${summary}`);
    const results = await page.locator('#add-results').innerText();
    check(results.includes(FILE_NAME) && results.includes('Flood waters recede'),
      `results should name the file and its title: ${results}`);
    check(results.includes(LONG_TITLE), `the colon title should be read as written: ${results}`);
    check(results.includes('Fix the file there and add it again.'),
      `the broken JSON reason should be complete: ${results}`);
    check(!/newsdesk-upload-|\/tmp\//.test(results), `no temporary path may show: ${results}`);
    const reason = page.locator('#add-results td', { hasText: 'Fix the file there' }).first();
    const box = await reason.boundingBox();
    check(box && box.x + box.width <= 1400, `the reason column must be visible: ${JSON.stringify(box)}`);
    await page.locator('#library-line', { hasText: '5 articles' }).waitFor();
    await shot(page, 'added');
    // the same file again is unchanged, and no second source appears
    await page.locator('#upload button[aria-label="Clear"]').first().click().catch(() => {});
    await input.setInputFiles(articlePath);
    await page.locator(`#upload a[data-testid="download-link"][download="${FILE_NAME}"]`)
      .waitFor({ timeout: 30_000 });
    await page.locator('#add').click();
    await page.locator('#add-results', { hasText: 'unchanged' }).waitFor({ timeout: T_ADD });
    const again = await page.locator('#add-summary').innerText();
    check(/\badded 0\b/.test(again) && /\bunchanged 1\b/.test(again) && /duplicates 0/.test(again),
      `re-uploading the same file should say unchanged: ${again}`);
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

    // "Ask as of": a bad day is named beside the field; a good one shows in the filter line
    const asOf = page.locator('#as-of textarea, #as-of input').first();
    await asOf.fill('last week');
    await page.locator('#filter-error', { hasText: 'Ask as of' }).waitFor();
    await shot(page, 'as-of-error');
    await asOf.fill('2024-03-01');
    await page.locator('#active-filters', { hasText: 'as of 2024-03-01' }).waitFor();
    await shot(page, 'as-of');
    await asOf.fill('');
    await page.locator('#active-filters', { hasText: 'as of' }).waitFor({ state: 'detached' });

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
    // the topic's own time is read as of the "Ask as of" day (a filter of the Ask tab)
    await page.getByRole('tab', { name: 'Ask' }).click();
    await page.locator('#as-of textarea, #as-of input').first().fill('2024-03-05');
    await page.locator('#active-filters', { hasText: 'as of 2024-03-05' }).waitFor();
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page.locator('#timeline-topic textarea').fill('main bridge reopened this week');
    await page.locator('#timeline-go').click();
    await page.locator('#timeline .nd-note',
      { hasText: 'counted back from the date asked as of, 2024-03-05' }).waitFor({ timeout: T_ANSWER });
    await page.locator('#timeline-list li').first().waitFor({ timeout: T_ANSWER });
    await shot(page, 'timeline-as-of');
    await page.getByRole('tab', { name: 'Ask' }).click();
    await page.locator('#as-of textarea, #as-of input').first().fill('');
    await page.locator('#active-filters', { hasText: 'as of' }).waitFor({ state: 'detached' });
  });

  await step('h. conversation: a pronoun follow-up, a date question, a conflict', async () => {
    await page.reload({ waitUntil: 'domcontentloaded' }); // filters back to none
    await page.locator('#library-line', { hasText: 'Library:' }).waitFor();
    await page.locator('#chat', { hasText: QUESTION }).waitFor(); // the last conversation reopens
    await page.locator('#new-chat').click();
    await page.waitForFunction(() => !document.querySelector('#chat [data-testid="bot"]'));
    // the library holds articles: the empty chat no longer asks for some; counts in words
    const empty = await page.locator('#chat').innerText();
    check(!/No articles yet/.test(empty), `the empty chat should not ask for articles: ${empty}`);
    const counts = await page.locator('#library-line').innerText();
    check(/5 articles · \d+ passages · \d+ outlets/.test(counts), `library line: ${counts}`);
    await page.locator('#conv-delete').waitFor({ state: 'hidden' });
    await askAndWait(page, 'How many residents were evacuated after the plant fire?',
      (t) => t.includes('[1]'));
    const first = await lastBotText(page);
    check(first.includes('800') && first.includes('1,200'), `both counts should be quoted: ${first}`);
    await page.locator('#sources-panel .nd-conflict').first().waitFor({ timeout: T_ANSWER });
    await shot(page, 'conflict');
    await askAndWait(page, 'What did they say caused it?', (t) => !/Searching/.test(t));
    const cause = await lastBotText(page);
    check(cause.includes('electrical fault') && !cause.includes('800'),
      `the follow-up should give the cause, not the previous answer: ${cause}`);
    await askAndWait(page, 'When will the council vote?', (t) => !/Searching/.test(t));
    const vote = await lastBotText(page);
    check(vote.includes('June 3') && !vote.includes('planned for Tuesday'),
      `the vote answer should quote the June 3 sentence: ${vote}`);
    const card = await page.locator('#sources-panel #source-1').innerText();
    const claimLines = card.split('\n').filter((l) => l.startsWith('Claim by:'));
    check(claimLines.length === new Set(claimLines).size, `a card repeats its claim lines: ${card}`);
    await shot(page, 'answer');
  });

  await step('i. a bad date shows beside the field; the conversation stays', async () => {
    const before = await page.locator('#chat').innerText();
    const since = page.locator('#since textarea, #since input').first();
    await since.fill('2024-13-45');
    await page.locator('#filter-error', { hasText: 'not a date' }).waitFor();
    await page.locator('#question textarea').fill('Who is the fire chief?');
    await page.locator('#ask').click();
    await page.waitForTimeout(1500);
    const error = await page.locator('#filter-error').innerText();
    check(/Published since/.test(error) && /YYYY-MM-DD/.test(error), `field error: ${error}`);
    const after = await page.locator('#chat').innerText();
    check(after === before, 'the conversation must stay as it was');
    const question = await page.locator('#question textarea').inputValue();
    check(question === 'Who is the fire chief?', `the question should be kept: ${question}`);
    const labels = await page.evaluate(() => ['#chat', '#question', '#sources-panel'].map(
      (sel) => (document.querySelector(sel)?.closest('.block') || document.querySelector(sel))
        .innerText).join(' '));
    check(!/\bError\b/.test(labels), `no Error label over the chat, question or sources: ${labels}`);
    await shot(page, 'error');
    await since.fill('');
    await page.locator('#filter-error', { hasText: 'not a date' }).waitFor({ state: 'detached' })
      .catch(() => {});
  });

  await step('j. conversations: survive a reload, rename, reopen, delete', async () => {
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.locator('#chat', { hasText: 'June 3' }).waitFor({ timeout: T_SHORT });
    const chat = await page.locator('#chat').innerText();
    check(chat.includes('electrical fault'), `the reloaded chat should hold the whole conversation`);
    await page.locator('#conv-title textarea, #conv-title input').first().fill('Norchem fire');
    await page.locator('#conv-rename').click();
    await page.locator('#conv-message', { hasText: 'Renamed' }).waitFor();
    await page.locator('#new-chat').click();
    await page.waitForFunction(() => !document.querySelector('#chat [data-testid="bot"]'));
    await page.locator('#conversations input').first().click();
    await page.getByRole('option', { name: /Norchem fire/ }).click();
    await page.locator('#chat', { hasText: 'June 3' }).waitFor();
    const reopened = await page.locator('#chat').innerText();
    check(!reopened.includes("'type': 'text'") && reopened.includes('electrical fault'),
      `a reopened conversation should show its messages as text: ${reopened}`);
    // deleting asks first: "Keep it" keeps the conversation, "Delete" deletes it
    await page.locator('#conv-delete').click();
    await page.locator('#conv-confirm', { hasText: 'Delete this conversation?' }).waitFor();
    await shot(page, 'delete-confirm');
    await page.locator('#conv-delete-cancel').click();
    await page.locator('#conv-confirm').waitFor({ state: 'hidden' });
    check((await page.locator('#chat').innerText()).includes('June 3'), 'Keep it must keep the chat');
    await page.locator('#conv-delete').click();
    await page.locator('#conv-delete-confirm').click();
    await page.locator('#conv-message', { hasText: 'deleted' }).waitFor();
    await page.locator('#conv-delete').waitFor({ state: 'hidden' });
    await page.locator('#conversations input').first().click();
    check(await page.getByRole('option', { name: /Norchem fire/ }).count() === 0,
      'a deleted conversation must leave the list');
    await page.keyboard.press('Escape');
  });

  await step('k. library: every column visible at 1366 px; delete by clicking a row', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.getByRole('tab', { name: 'Library' }).click();
    const row = page.locator('#library').getByText(LONG_TITLE.slice(0, 40)).locator('visible=true').first();
    await row.waitFor();
    const table = await page.locator('#library').innerText();
    const heads = await page.evaluate(() => [...document.querySelectorAll('#library th')]
      .map((th) => ({ text: th.innerText.trim(), box: th.getBoundingClientRect().toJSON() }))
      .filter((h) => h.box.width > 0));
    for (const column of ['title', 'outlet', 'published', 'passages', 'id']) {
      const head = heads.find((h) => h.text.startsWith(column));
      check(head && head.box.x >= 0 && head.box.right <= 1366,
        `column ${column} is cut at 1366 px: ${JSON.stringify(heads)}`);
    }
    check(table.includes('Riverside Gazette'), `the outlet column should show: ${table}`);
    await row.click();
    const button = page.locator('#delete');
    await page.waitForFunction(() => !document.querySelector('#delete').disabled);
    check((await button.innerText()).includes('Norchem fire'), 'the button names the article');
    await shot(page, 'library');
    await button.click();
    await page.locator('#delete-result', { hasText: 'Deleted' }).waitFor();
    await page.locator('#library-line', { hasText: '4 articles' }).waitFor();
  });

  await step('l. narrow screen: Ask on the first screen, sources near it', async () => {
    const narrow = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const phone = await narrow.newPage();
    activePage = phone;
    phone.on('pageerror', (e) => pageErrors.push(String(e)));
    await phone.goto(BASE + '/', { waitUntil: 'domcontentloaded' });
    await phone.locator('#library-line', { hasText: 'Library:' }).waitFor();
    await phone.locator('#question textarea').fill('When will the council vote?');
    await phone.locator('#ask').click();
    await phone.locator('#sources-panel .nd-card').first().waitFor({ timeout: T_ANSWER });
    await phone.evaluate(() => window.scrollTo(0, 0));
    const ask = await phone.locator('#ask').boundingBox();
    const sources = await phone.locator('#sources-panel').boundingBox();
    check(ask && ask.y + ask.height <= 844, `Ask should be on the first screen: ${JSON.stringify(ask)}`);
    check(sources && sources.y - (ask.y + ask.height) <= 400,
      `sources should start near the Ask button: ask ${JSON.stringify(ask)}, sources ${JSON.stringify(sources)}`);
    await phone.screenshot({ path: join(SHOTS, `${String(++shotCount).padStart(2, '0')}-narrow.png`) });
    await narrow.close();
    activePage = page;
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
