/**
 * The HTML report: what it says, that it escapes what it is given, that it
 * loads nothing from anywhere, and that it renders in a real headless
 * Chromium (the Debian `chromium` package, driven by playwright-core) with
 * its tables and burn-down charts laid out at a non-zero size.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { escapeHtml, formatCount, formatPercent, formatSeconds, renderHtml } from '../../../lambdas/sla-report/html';
import type { SlaReport } from '../../../lambdas/sla-report/model';
import { fixtureReport } from './fixtures';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let report: SlaReport;
let html: string;
beforeAll(async () => {
  report = await fixtureReport();
  html = renderHtml(report);
});

describe('renderHtml', () => {
  it('has a table per period with a row per objective, and a burn-down chart per computed objective', () => {
    expect(html.match(/<table class="objectives" data-period="[^"]+">/g)).toEqual(['<table class="objectives" data-period="last-24h">', '<table class="objectives" data-period="month-to-date">', '<table class="objectives" data-period="last-7d">']);
    expect(html.match(/<svg[^>]*class="burn-down"[^>]*data-objective="api-availability"/g)).toHaveLength(3);
    expect(html).toContain('<td class="missed"');
    expect(html).toContain('failed: Prometheus query');
    expect(html).toContain('<h3>Fast burn</h3>');
    expect(html).toMatch(/<td class="name">api-availability<\/td><td>\d+(\.\d+)?×<\/td>/);
  });

  it('escapes what comes from the configuration and the data', () => {
    expect(html).toContain('title="API requests &lt;answered&gt; without 5xx &amp; &quot;quickly&quot;"');
    expect(html).not.toContain('<answered>');
    expect(escapeHtml(`<script>alert('x')</script>`)).toBe('&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;');
  });

  it('is self-contained: no script, no external stylesheet, font, image or link', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=|href="http/i);
  });

  it('formats figures for people', () => {
    expect([formatPercent(0.99951234), formatPercent(null), formatPercent(-0.5, 2)]).toEqual(['99.9512%', '–', '-50%']);
    expect([formatCount(1234567), formatCount(12.3456)]).toEqual(['1,234,567', '12.346']);
    expect([formatSeconds(45), formatSeconds(7500), formatSeconds(3 * 86400 + 4 * 3600 + 5), formatSeconds(null)]).toEqual(['45s', '2h 5m', '3d 4h', '–']);
  });
});

describe('in headless Chromium', () => {
  jest.setTimeout(60_000);

  it('renders the tables and the burn-down charts at a non-zero size, and takes a screenshot', async () => {
    expect(existsSync(CHROMIUM)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'sla-html-'));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.setContent(html, { waitUntil: 'load' });
      const tables = await page.$$eval('table.objectives', (nodes) => nodes.map((n) => ({ period: n.getAttribute('data-period'), rows: n.querySelectorAll('tbody tr').length, ...n.getBoundingClientRect().toJSON() })));
      expect(tables.map((t) => [t.period, t.rows])).toEqual([
        ['last-24h', 3],
        ['month-to-date', 3],
        ['last-7d', 3],
      ]);
      for (const table of tables) expect(table.width * table.height).toBeGreaterThan(0);
      const charts = await page.$$eval('svg.burn-down', (nodes) =>
        nodes.map((n) => {
          // Runs in the page: DOM types are not in this project's lib, so the SVG element is read structurally.
          const line = n.querySelector('polyline.remaining') as unknown as { getBBox(): { width: number; height: number }; points: { numberOfItems: number } };
          const box = line.getBBox();
          return { width: n.getBoundingClientRect().width, height: n.getBoundingClientRect().height, points: line.points.numberOfItems, lineWidth: box.width, lineHeight: box.height };
        }),
      );
      expect(charts.length).toBe(3);
      for (const chart of charts) {
        expect(chart.width).toBeGreaterThan(0);
        expect(chart.height).toBeGreaterThan(0);
        expect(chart.points).toBeGreaterThan(1);
        expect(chart.lineWidth).toBeGreaterThan(0);
      }
      expect(await page.title()).toBe('SLA report fixture as of 2024-03-04 00:00');
      // Nothing was fetched: the page is the only resource (about:blank for setContent).
      expect(requests.filter((url) => !url.startsWith('about:') && !url.startsWith('data:'))).toEqual([]);
      const screenshot = join(dir, 'report.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(statSync(screenshot).size).toBeGreaterThan(10_000);
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
