/**
 * Splits concatenated JSON objects (`{…}{…}`, `{…}\n{…}`, whatever separates them) into the text
 * of each object, following strings and their escapes so braces inside values split nothing. Text
 * outside objects is skipped. One pass, so reading many manifests from one `rclone cat` never
 * depends on each ending with a newline. An object still open at the end is dropped.
 */
export function splitJsonObjects(text: string): string[] {
  const objects: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (escaped) escaped = false;
      else if (char === 0x5c) escaped = true;
      else if (char === 0x22) inString = false;
      continue;
    }
    if (char === 0x22) {
      if (depth > 0) inString = true;
    } else if (char === 0x7b) {
      if (depth === 0) start = index;
      depth += 1;
    } else if (char === 0x7d && depth > 0) {
      depth -= 1;
      if (depth === 0) objects.push(text.slice(start, index + 1));
    }
  }
  return objects;
}
