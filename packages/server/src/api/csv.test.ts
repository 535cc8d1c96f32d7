import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from './csv.ts';

describe('CSV', () => {
  it('quotes fields holding commas, quotes or line breaks, doubling the quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(12.5)).toBe('12.5');
  });

  it('keeps a text field from being read as a formula', () => {
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField('@cmd')).toBe("'@cmd");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField(-1)).toBe('-1');
  });

  it('writes a header and rows, each line ended by CRLF', () => {
    expect(
      toCsv(
        ['day', 'tokens'],
        [
          ['2026-12-01', 1.5],
          ['x,y', 2],
        ],
      ),
    ).toBe('day,tokens\r\n2026-12-01,1.5\r\n"x,y",2\r\n');
    expect(toCsv(['day'], [])).toBe('day\r\n');
  });
});
