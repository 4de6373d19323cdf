import { registryErrors } from '../../errors.ts';
import type { UploadRow } from '../../registry/bulk-upsert.ts';
import type { Device } from '../../registry/registry.ts';
import { formatCsv, parseCsv } from './rfc4180.ts';

/*
 * One device per line. Columns: the device fields, its location flattened
 * to lon/lat/height, and one `tag.<key>` column per tag key. An empty cell
 * is an absent field. Column order is free; the export writes this order.
 */
const COLUMNS = ['id', 'name', 'gateway', 'profile', 'site', 'street', 'lon', 'lat', 'height', 'building', 'room', 'lamp_post'] as const;
const REQUIRED = ['id', 'name', 'gateway', 'profile', 'site', 'lon', 'lat'];
const LOCATION_COLUMNS = new Set(['lon', 'lat', 'height']);
const TAG_PREFIX = 'tag.';
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

const unreadable = (reason: string) => registryErrors.UPLOAD_UNREADABLE({ format: 'CSV', reason });

function checkHeader(header: readonly string[]): void {
  const unknown = header.filter((h) => !(COLUMNS as readonly string[]).includes(h) && !(h.startsWith(TAG_PREFIX) && h.length > TAG_PREFIX.length));
  if (unknown.length > 0) throw unreadable(`unknown column(s) ${unknown.join(', ')}; the columns are ${COLUMNS.join(', ')} and tag.<key>`);
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length > 0) throw unreadable(`missing column(s) ${missing.join(', ')} in the header line`);
  const twice = header.filter((h, i) => header.indexOf(h) !== i);
  if (twice.length > 0) throw unreadable(`column(s) ${twice.join(', ')} appear twice in the header line`);
}

/** A CSV line as a raw device: numbers where the cell holds one, so the schema names the field that is wrong. */
function rawDevice(header: readonly string[], cells: readonly string[]): Record<string, unknown> {
  const device: Record<string, unknown> = {};
  const location: Record<string, unknown> = {};
  const tags: Record<string, string> = {};
  header.forEach((column, i) => {
    const cell = cells[i]?.trim() ?? '';
    if (cell === '') return;
    if (column.startsWith(TAG_PREFIX)) tags[column.slice(TAG_PREFIX.length)] = cell;
    else if (LOCATION_COLUMNS.has(column)) location[column] = NUMBER.test(cell) ? Number(cell) : cell;
    else device[column] = cell;
  });
  if (Object.keys(location).length > 0) device.location = location;
  if (Object.keys(tags).length > 0) device.tags = tags;
  return device;
}

/** Reads an uploaded devices CSV; throws UPLOAD_UNREADABLE when the file as a whole cannot be read. */
export function readDevicesCsv(text: string): UploadRow[] {
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    throw unreadable((err as Error).message);
  }
  const [headerRecord, ...lines] = records;
  if (!headerRecord) throw unreadable('the file is empty; the first line must name the columns');
  const header = headerRecord.cells.map((h) => h.trim());
  checkHeader(header);
  return lines.map((record, i) => ({
    row: i + 1,
    where: `line ${record.line}`,
    value: rawDevice(header, record.cells),
    ...(record.cells.length > header.length
      ? { issues: [{ field: 'row', reason: `${record.cells.length} cells but the header names ${header.length} columns` }] }
      : {}),
  }));
}

/** Names a device field path as the CSV column that holds it. */
export function csvFieldName(path: string): string {
  if (path === 'location') return 'lon, lat';
  if (path.startsWith('location.')) return path.slice('location.'.length);
  if (path.startsWith('tags.')) return `${TAG_PREFIX}${path.slice('tags.'.length)}`;
  return path;
}

/** The devices as CSV, in the columns `readDevicesCsv` takes: export, edit, upload again. */
export function devicesCsv(devices: readonly Device[]): string {
  const tagKeys = [...new Set(devices.flatMap((d) => Object.keys(d.tags ?? {})))].sort();
  const rows = devices.map((d) => [
    d.id, d.name, d.gateway, d.profile, d.site, d.street ?? '',
    String(d.location.lon), String(d.location.lat), String(d.location.height),
    d.building ?? '', d.room ?? '', d.lamp_post ?? '',
    ...tagKeys.map((k) => d.tags?.[k] ?? ''),
  ]);
  return formatCsv([...COLUMNS, ...tagKeys.map((k) => `${TAG_PREFIX}${k}`)], rows);
}
