/** Rows as aligned columns; the last column may wrap to the terminal's width. */
export function table(headers: string[], rows: string[][], width = process.stdout.columns || 120): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const lead = widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0);
  const lastWidth = Math.max(30, width - lead - 1);
  const lines: string[] = [];
  for (const row of all) {
    const wrapped = wrap(row.at(-1) ?? '', lastWidth);
    wrapped.forEach((part, i) => {
      const cells = row.slice(0, -1).map((cell, c) => (i === 0 ? cell : '').padEnd(widths[c] ?? 0));
      lines.push([...cells, part].join('  ').trimEnd());
    });
  }
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  out.push(line);
  return out;
}
