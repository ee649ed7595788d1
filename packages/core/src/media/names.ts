/**
 * rclone's "Standard" name encoding, as far as bk relies on it. rclone lists and matches paths in
 * this encoding: control characters become the Unicode "control pictures" (a newline is `␊`,
 * U+240A), DEL is `␡`, and a literal picture character is quoted with `‛` (U+201B). Manifests hold
 * paths exactly as rclone listed them; a restore turns them back into the bytes of the local name.
 *
 * rclone's local backend on Linux adds its own encoding on top (for `/`, NUL, `.` and `..`), and
 * rclone 1.60 cannot read back names holding `‛`: those are refused ({@link localSegment}), so
 * every accepted name round-trips byte-exact.
 */

const QUOTE = '\u201b';
const SYMBOL_NULL = 0x2400;
const SYMBOL_DELETE = 0x2421;
const FULLWIDTH_SOLIDUS = '\uff0f';
const FULLWIDTH_FULL_STOP = '\uff0e';

/** Why a name cannot be kept exactly, or `undefined` when it can (a decoded local name). */
export type LocalName = { ok: true; name: string } | { ok: false; reason: string };

/** Decodes one segment of an rclone Standard-encoded path (Ctl, Del, Zero, Slash, Dot). */
export function decodeStandardSegment(segment: string): string {
  if (segment === FULLWIDTH_FULL_STOP) return '.';
  if (segment === FULLWIDTH_FULL_STOP.repeat(2)) return '..';
  let out = '';
  let quoted = false;
  for (const character of segment) {
    const code = character.codePointAt(0) ?? 0;
    const special =
      (code >= SYMBOL_NULL && code <= SYMBOL_NULL + 0x1f) ||
      code === SYMBOL_DELETE ||
      character === FULLWIDTH_SOLIDUS ||
      character === QUOTE;
    if (quoted) {
      quoted = false;
      out += special ? character : `${QUOTE}${character}`;
      continue;
    }
    if (character === QUOTE) quoted = true;
    else if (code >= SYMBOL_NULL && code <= SYMBOL_NULL + 0x1f)
      out += String.fromCharCode(code - SYMBOL_NULL);
    else if (code === SYMBOL_DELETE) out += '\u007f';
    else if (character === FULLWIDTH_SOLIDUS) out += '/';
    else out += character;
  }
  return quoted ? `${out}${QUOTE}` : out;
}

/**
 * The local file name of one Standard-encoded segment, or why bk refuses it. rclone's local backend
 * on Linux stores `/` as `／`, NUL as `␀` and the names `.`/`..` as `．`/`．．`, and mangles names
 * holding `‛` (rclone 1.60 cannot read them back): a decoded name holding `‛`, or a literal `␀`/`／`
 * or a `．`/`．．` name (which only a `‛` on disk or a forged manifest produces), is refused.
 */
export function localSegment(segment: string): LocalName {
  if (segment === '' || segment === '.' || segment === '..')
    return { ok: false, reason: 'is not a plain file name' };
  if ([...segment].some((character) => (character.codePointAt(0) ?? 0) < 0x20 || character === '\u007f'))
    return { ok: false, reason: 'holds a raw control character (rclone never lists one)' };
  const name = decodeStandardSegment(segment);
  if (
    /[\u201b\u2400\uff0f]/.test(name) ||
    name === FULLWIDTH_FULL_STOP ||
    name === FULLWIDTH_FULL_STOP.repeat(2)
  ) {
    return {
      ok: false,
      reason: "holds the character ‛ (U+201B), which rclone's local backend cannot read back",
    };
  }
  if (name === '.') return { ok: true, name: FULLWIDTH_FULL_STOP };
  if (name === '..') return { ok: true, name: FULLWIDTH_FULL_STOP.repeat(2) };
  return { ok: true, name: name.replaceAll('\u0000', '\u2400').replaceAll('/', FULLWIDTH_SOLIDUS) };
}

/** The local path (segments decoded, `/`-joined) of a Standard-encoded relative path, or why not. */
export function localPath(path: string): LocalName {
  if (path.startsWith('/')) return { ok: false, reason: 'is absolute' };
  const parts: string[] = [];
  for (const segment of path.split('/')) {
    const local = localSegment(segment);
    if (!local.ok) return local;
    parts.push(local.name);
  }
  return { ok: true, name: parts.join('/') };
}

/** A name as shown in messages: quoted, with control and non-ASCII characters as `\u` escapes. */
export function displayName(name: string): string {
  return JSON.stringify(name).replace(
    /[^\u0020-\u007e]/g,
    (character) => `\\u${(character.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}
