import { describe, expect, it } from 'vitest';
import { formatCsv, parseCsv } from '../src/api/devices/rfc4180.ts';

describe('RFC 4180 CSV', () => {
  it('reads quoted commas, doubled quotes, line breaks in quotes, CRLF, a BOM and blank lines', () => {
    const text = '\uFEFFid,name\r\na,"Place de la Monnaie, 1"\r\n\r\nb,"say ""hi"""\nc,"two\nlines"\nd,';
    expect(parseCsv(text)).toEqual([
      { line: 1, cells: ['id', 'name'] },
      { line: 2, cells: ['a', 'Place de la Monnaie, 1'] },
      { line: 4, cells: ['b', 'say "hi"'] },
      { line: 5, cells: ['c', 'two\nlines'] },
      { line: 7, cells: ['d', ''] },
    ]);
  });

  it('writes what it reads back', () => {
    const rows = [['a', 'Rue "des" Fripiers, 1'], ['b', 'x\r\ny'], ['c', '']];
    const text = formatCsv(['id', 'name'], rows);
    expect(text.startsWith('id,name\r\na,"Rue ""des"" Fripiers, 1"\r\n')).toBe(true);
    expect(parseCsv(text).map((r) => r.cells)).toEqual([['id', 'name'], ...rows]);
  });

  it('names the line of a quote that is never closed', () => {
    expect(() => parseCsv('id\n"open\nstill open')).toThrow('the quote opened on line 2 is never closed');
  });
});
