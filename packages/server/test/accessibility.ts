import type { Page } from 'playwright-core';

/** What an automated look at a page finds wrong: controls without a label, text below WCAG AA contrast. */
export interface AccessibilityReport {
  unlabelled: string[];
  lowContrast: { text: string; ratio: number }[];
}

/**
 * Checks every visible form control for a label (a <label>, aria-label or aria-labelledby) and every visible
 * text for a contrast ratio of at least 4.5:1 against the first opaque background behind it.
 */
export function checkAccessibility(page: Page): Promise<AccessibilityReport> {
  return page.evaluate(() => {
    const visible = (el: Element) => {
      const box = (el as HTMLElement).getBoundingClientRect();
      return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const unlabelled = [...document.querySelectorAll('input, select, textarea, button')]
      .filter(visible)
      .filter((el) => {
        const control = el as HTMLInputElement;
        const named =
          (control.labels?.length ?? 0) > 0 ||
          el.hasAttribute('aria-label') ||
          el.hasAttribute('aria-labelledby') ||
          (el.tagName === 'BUTTON' && (el.textContent ?? '').trim() !== '');
        return !named;
      })
      .map((el) => el.outerHTML.slice(0, 120));

    const rgba = (css: string) => {
      const [r = 0, g = 0, b = 0, a = 1] = (css.match(/[\d.]+/g) ?? []).map(Number);
      return { r, g, b, a };
    };
    const luminance = ({ r, g, b }: { r: number; g: number; b: number }) => {
      const channel = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const background = (el: Element | null): { r: number; g: number; b: number } => {
      for (let node = el; node; node = node.parentElement) {
        const c = rgba(getComputedStyle(node).backgroundColor);
        if (c.a >= 0.99) return c;
      }
      return { r: 255, g: 255, b: 255 };
    };
    const lowContrast: { text: string; ratio: number }[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      const text = (node.textContent ?? '').trim();
      if (!el || !text || !visible(el) || el.closest('svg, [aria-hidden="true"], .skip')) continue;
      const style = getComputedStyle(el);
      if (Number(style.opacity) < 1 || el.closest(':disabled')) continue;
      const [a, b] = [luminance(rgba(style.color)), luminance(background(el))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 4.5) lowContrast.push({ text: text.slice(0, 60), ratio: Math.round(ratio * 100) / 100 });
    }
    return { unlabelled, lowContrast };
  });
}
