/** "4 s", "3 min", "2 h 05 min", "3 d 4 h": short ages for a terminal. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Age of an ISO timestamp relative to `now`, e.g. "3 s ago"; "never" for null. */
export function formatAge(iso: string | null, now: Date): string {
  if (iso === null) return 'never';
  return `${formatDuration((now.getTime() - Date.parse(iso)) / 1000)} ago`;
}

/** Left-aligned columns separated by two spaces; the first row is the header. */
export function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length)));
  return rows.map((row) => row.map((cell, col) => cell.padEnd(widths[col]!)).join('  ').trimEnd()).join('\n');
}
