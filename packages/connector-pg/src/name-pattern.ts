/**
 * pg_dump's name patterns (`--table`, `--exclude-table`, `--schema`) as SQL conditions, following
 * psql's rules (`processSQLNamePattern`): outside double quotes letters fold to lower case, `*`
 * matches any run of characters, `?` any one character and an unquoted `.` separates the schema
 * from the name; inside double quotes everything is literal (`""` is one quote). Used to count
 * rows of exactly the tables a dump holds.
 */
export interface NamePattern {
  /** Anchored POSIX regex for the schema, or undefined when the pattern names no schema. */
  schema: string | undefined;
  /** Anchored POSIX regex for the relation (or, for a schema pattern, the schema). */
  name: string;
}

const REGEX_SPECIAL = new Set([...'|+()[]{}^$\\.']);

/** Splits and converts one pattern (`public.audit_*`, `"Mixed"."T*"`). */
export function parseNamePattern(pattern: string): NamePattern {
  const parts: string[] = [''];
  let quoted = false;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    if (char === '"') {
      if (quoted && pattern[index + 1] === '"') {
        parts[parts.length - 1] += '"';
        index++;
      } else quoted = !quoted;
    } else if (!quoted && char === '.') parts.push('');
    else if (!quoted && char === '*') parts[parts.length - 1] += '.*';
    else if (!quoted && char === '?') parts[parts.length - 1] += '.';
    else {
      const literal = quoted ? char : char.toLowerCase();
      const special = REGEX_SPECIAL.has(literal) || literal === '*' || literal === '?';
      parts[parts.length - 1] += special ? `\\${literal}` : literal;
    }
  }
  const anchored = (regex: string) => `^(${regex})$`;
  // db.schema.name: the database part is pg_dump's own concern (it must be the current one).
  const name = parts[parts.length - 1]!;
  const schema = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  return { schema: schema === undefined ? undefined : anchored(schema), name: anchored(name) };
}

/** A SQL string literal (standard_conforming_strings, the default since PostgreSQL 9.1). */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** SQL: the relation `rel` in schema `nsp` matches one of the table patterns. */
export function tableMatchSql(patterns: readonly string[], nsp: string, rel: string): string {
  if (patterns.length === 0) return 'false';
  return patterns
    .map(parseNamePattern)
    .map(({ schema, name }) =>
      schema === undefined
        ? `(${rel} ~ ${literal(name)})`
        : `(${nsp} ~ ${literal(schema)} and ${rel} ~ ${literal(name)})`,
    )
    .join(' or ');
}

/** SQL: the schema `nsp` matches one of the schema patterns (true when there are none). */
export function schemaMatchSql(patterns: readonly string[], nsp: string): string {
  if (patterns.length === 0) return 'true';
  return patterns.map((pattern) => `(${nsp} ~ ${literal(parseNamePattern(pattern).name)})`).join(' or ');
}
