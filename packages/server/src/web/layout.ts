import type { Locale } from '@reelay/catalog';
import { html, type SafeHtml } from './html.ts';
import { LOCALES, say } from './messages.ts';

/** What a page puts into the shared layout. */
export interface PageParts {
  locale: Locale;
  /** The page's path without the locale prefix, e.g. `/models/kling-3.0-omni`. */
  path: string;
  title: string;
  description?: string;
  /** `models`, `dashboard` or `console`: the navigation entry to mark as current. */
  section: 'models' | 'dashboard' | 'console';
  body: SafeHtml;
  /** Page scripts (ES modules under /static/). */
  scripts?: readonly string[];
}

/** The link to `path` in `locale`. */
export const localePath = (locale: Locale, path: string): string => `/${locale}${path}`;

/** The document around every page: language, navigation, language switch, stylesheet and scripts. */
export function layout(p: PageParts): string {
  const navLink = (section: PageParts['section'], path: string) =>
    html`<a href="${localePath(p.locale, path)}"${p.section === section ? html` aria-current="page"` : ''}>${say(p.locale, section)}</a>`;
  const switcher = LOCALES.map(
    (l) =>
      html`<li><a href="${localePath(l, p.path)}" hreflang="${l}" lang="${l}"${l === p.locale ? html` aria-current="true"` : ''}>${say(l, 'languageName')}</a></li>`,
  );
  const alternates = LOCALES.map(
    (l) => html`<link rel="alternate" hreflang="${l}" href="${localePath(l, p.path)}">`,
  );
  const doc = html`<!doctype html>
<html lang="${p.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title} · Reelay</title>
${p.description ? html`<meta name="description" content="${p.description}">` : ''}
<link rel="canonical" href="${localePath(p.locale, p.path)}">
${alternates}
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/site.css">
${(p.scripts ?? []).map((s) => html`<script type="module" src="/static/${s}"></script>`)}
</head>
<body>
<a class="skip" href="#main">${say(p.locale, 'skip')}</a>
<header class="top">
<a class="brand" href="${localePath(p.locale, '/models')}">Reelay</a>
<nav aria-label="Reelay">${navLink('models', '/models')} ${navLink('dashboard', '/dashboard')} ${navLink('console', '/console')} <a href="/docs">${say(p.locale, 'apiReference')}</a></nav>
<nav class="langs" aria-label="${say(p.locale, 'language')}"><ul>${switcher}</ul></nav>
</header>
<main id="main" tabindex="-1">
${p.body}
</main>
<footer class="bottom">${say(p.locale, 'footer')}</footer>
</body>
</html>
`;
  return doc.value;
}
