import { registryErrors } from '../errors.ts';
import type { Room } from './registry.ts';

/** Decodes an ISO 10303-21 string body (§6.4.3): '' quotes, \\ backslashes, \X2\ UTF-16 and \X\ ISO 8859-1 escapes. */
function decodeStepString(raw: string): string {
  return raw
    .replace(/\\X2\\((?:[0-9A-F]{4})+)\\X0\\/g, (_m, hex: string) =>
      String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16))))
    .replace(/\\X\\([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replaceAll('\\\\', '\\')
    .replaceAll("''", "'");
}

/**
 * The top-level parameters of the entity instance whose parameter list
 * starts at `from` (just after its opening parenthesis): strings decoded,
 * `$` (unset) as undefined, anything else (references, enums, lists) raw.
 */
function readParameters(text: string, from: number): Array<string | undefined> {
  const out: Array<string | undefined> = [];
  let depth = 0;
  let current = '';
  let isString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      // A string runs to the next quote that is not doubled.
      let j = i + 1;
      while (j < text.length && !(text[j] === "'" && text[j + 1] !== "'")) j += text[j] === "'" ? 2 : 1;
      current += text.slice(i + 1, j);
      isString = true;
      i = j;
    } else if (c === '(') {
      depth++;
      current += c;
    } else if ((c === ',' || c === ')') && depth === 0) {
      const trimmed = current.trim();
      out.push(isString ? decodeStepString(current) : trimmed === '$' ? undefined : trimmed);
      current = '';
      isString = false;
      if (c === ')') return out;
    } else {
      if (c === ')') depth--;
      current += c;
    }
  }
  throw registryErrors.IFC_INVALID({ reason: 'an IFCSPACE entity is not closed' });
}

/*
 * IfcSpace attributes in order (IFC2X3 and IFC4, inherited from IfcRoot,
 * IfcObject, IfcProduct, IfcSpatialStructureElement): GlobalId, OwnerHistory,
 * Name, Description, ObjectType, ObjectPlacement, Representation, LongName ...
 */
const GLOBAL_ID = 0;
const NAME = 2;
const LONG_NAME = 7;

/**
 * The rooms of an IFC model (STEP physical file, ISO 10303-21): one per
 * IfcSpace, keyed by its GlobalId, named by its Name and LongName.
 * Throws IFC_INVALID when the text is not such a file or has no IfcSpace.
 */
export function ifcRooms(text: string): Room[] {
  if (!text.trimStart().startsWith('ISO-10303-21;')) {
    throw registryErrors.IFC_INVALID({ reason: 'it does not start with ISO-10303-21; (an IFC file in STEP format)' });
  }
  const rooms: Room[] = [];
  for (const match of text.matchAll(/=\s*IFCSPACE\s*\(/g)) {
    const parameters = readParameters(text, match.index + match[0].length);
    const id = parameters[GLOBAL_ID];
    if (id === undefined) throw registryErrors.IFC_INVALID({ reason: 'an IFCSPACE has no GlobalId' });
    const name = parameters[NAME] || parameters[LONG_NAME] || id;
    const longName = parameters[LONG_NAME];
    rooms.push({ id, name, ...(longName ? { long_name: longName } : {}) });
  }
  if (rooms.length === 0) throw registryErrors.IFC_INVALID({ reason: 'it has no IfcSpace, so there are no rooms to register' });
  return rooms;
}
