/**
 * Returns `name`, or the first of `<stem>-1.<ext>`, `<stem>-2.<ext>`, ... that is free, so two
 * backups made in the same second never overwrite each other. The suffix goes before
 * `.<extension>` when the name ends with it, else at the end. A name is taken when it or its
 * manifest (`<name>.json`) is in `taken`, which should hold every name in the directory.
 */
export function pickFreeName(name: string, taken: ReadonlySet<string>, extension = ''): string {
  const isFree = (candidate: string) => !taken.has(candidate) && !taken.has(`${candidate}.json`);
  if (isFree(name)) return name;
  const suffix = extension && name.endsWith(`.${extension}`) ? `.${extension}` : '';
  const stem = name.slice(0, name.length - suffix.length);
  for (let index = 1; ; index += 1) {
    const candidate = `${stem}-${index}${suffix}`;
    if (isFree(candidate)) return candidate;
  }
}
