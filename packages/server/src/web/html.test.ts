import { describe, expect, it } from 'vitest';
import { escapeHtml, html, jsonScript, SafeHtml } from './html.ts';

describe('html', () => {
  it('escapes every interpolated string, in text and in attributes', () => {
    const evil = `"><script>alert('x')</script>&`;
    const out = html`<p title="${evil}">${evil}</p>`.value;
    expect(out).toBe(
      '<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</p>',
    );
  });

  it('keeps nested html, joins arrays and drops null, undefined and false', () => {
    const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${0}`.value).toBe(
      '<ul><li>a&lt;b</li><li>c</li></ul>0',
    );
    expect(html`${new SafeHtml('<br>')}`.value).toBe('<br>');
  });

  it('escapes the five characters that matter and nothing else', () => {
    expect(escapeHtml(`<>&"' é ✓`)).toBe('&lt;&gt;&amp;&quot;&#39; é ✓');
  });

  it('writes JSON that cannot close its script element', () => {
    const out = jsonScript({ text: '</script><script>alert(1)</script>', line: '\u2028' }).value;
    expect(out).not.toContain('</script>');
    expect(out).not.toContain('\u2028');
    expect(JSON.parse(out)).toEqual({ text: '</script><script>alert(1)</script>', line: '\u2028' });
  });
});
