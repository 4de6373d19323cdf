/** Bytes as lower-case hex pairs separated by spaces: `aa c0 06`. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * Parses the `input.hex` format of the test cases: hex byte pairs separated by
 * whitespace; `#` starts a comment that runs to the end of the line.
 * Throws naming the line of the first token that is not a byte.
 */
export function parseHexText(text: string): Buffer {
  const bytes: number[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const content = line.replace(/#.*/, '').trim();
    if (content === '') continue;
    for (const token of content.split(/\s+/)) {
      if (!/^[0-9a-fA-F]{2}$/.test(token)) {
        throw new Error(`line ${index + 1}: "${token}" is not a hex byte (two hex digits)`);
      }
      bytes.push(Number.parseInt(token, 16));
    }
  }
  return Buffer.from(bytes);
}
