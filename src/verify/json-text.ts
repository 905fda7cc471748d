// UTF-8 bytes of JSON as one-byte text: V8 decodes non-ASCII UTF-8 slowly and makes the whole string two-byte, so a
// bundle's half megabyte holding one em dash would cost a millisecond to decode and twice the memory to parse.
import { isAscii } from 'node:buffer';

/**
 * UTF-8 bytes as a text that JSON.parse reads exactly as it reads bytes.toString('utf8'): the same value, or an error
 * for both. Outside a JSON string any non-ASCII character is an error, and so is a backslash; inside one, \uXXXX is
 * the same UTF-16 unit as the character itself. So each run of non-ASCII bytes is written as the \u escapes of its
 * UTF-8 decoding (bounded by ASCII bytes, a run decodes alone as it decodes in place), and the text keeps one byte per
 * character: a bundle's signed notes hold an em dash, which would otherwise make its whole text two-byte. After a
 * backslash an escape would mean something else (\— is an error, \\u2014 is not): such a text is decoded as it is.
 *
 * The same holds for a piece of a JSON text that begins and ends next to ASCII bytes other than a backslash (what
 * kept-lists.ts cuts between): each run is still bounded by ASCII bytes, and none follows a backslash.
 */
export function jsonText(bytes: Buffer): string {
  let text = '';
  let from = 0;
  for (let chunk = 0; chunk < bytes.length; chunk += ASCII_CHUNK) {
    const end = Math.min(chunk + ASCII_CHUNK, bytes.length);
    if (isAscii(bytes.subarray(chunk, end))) continue;
    for (let i = Math.max(chunk, from); i < end; i++) {
      if (bytes[i]! < 0x80) continue;
      let j = i + 1;
      while (j < bytes.length && bytes[j]! >= 0x80) j++;
      if (i > 0 && bytes[i - 1] === BACKSLASH) return bytes.toString('utf8');
      text += bytes.toString('latin1', from, i) + unicodeEscapes(bytes.toString('utf8', i, j));
      from = i = j;
    }
  }
  return from === 0 ? bytes.toString('latin1') : text + bytes.toString('latin1', from);
}

/** Each UTF-16 unit of `text` as a JSON \uXXXX escape. */
function unicodeEscapes(text: string): string {
  let escaped = '';
  for (let k = 0; k < text.length; k++) escaped += `\\u${text.charCodeAt(k).toString(16).padStart(4, '0')}`;
  return escaped;
}

const ASCII_CHUNK = 4096;
const BACKSLASH = 0x5c;
