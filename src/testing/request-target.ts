// The request target as the mock and the sandbox accept it, checked before anything parses it: a path (origin
// form, RFC 9112 §3.2.1) with an optional query, every `%` a two-hex-digit escape of UTF-8, no dot segment. Anything else would
// reach URL parsers that throw (`//[` reads as an authority) or decoders that do (`%E0%A4%A`).

/** Characters a path may hold as they are (RFC 3986 `pchar`, `/` and the `%` of an escape). */
const PATH_CHAR = /[A-Za-z0-9\-._~!$&'()*+,;=:@/%]/;
/** A query may hold any visible ASCII but `#` (browsers send `[`, `]`, `{`, `|` unescaped there). */
const QUERY_CHAR = /[\x21-\x22\x24-\x7e]/;

function partProblem(part: string, name: 'path' | 'query', allowed: RegExp): string | undefined {
  for (let at = 0; at < part.length; at++) {
    const char = part[at]!;
    if (char === '%') {
      if (!/^[0-9A-Fa-f]{2}$/.test(part.slice(at + 1, at + 3))) return `the ${name} has a "%" at offset ${at} that is not followed by two hex digits`;
    } else if (!allowed.test(char)) {
      const shown = /[\x21-\x7e]/.test(char) ? `"${char}"` : `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
      return `the ${name} holds ${shown} at offset ${at}, which must be percent-encoded`;
    }
  }
  try {
    decodeURIComponent(part);
  } catch {
    return `the ${name} has percent-escapes that are not UTF-8`;
  }
  return undefined;
}

/** Why `target` is not a path with an optional query this server can read, or undefined when it is. Never quotes it. */
export function targetProblem(target: string): string | undefined {
  if (!target.startsWith('/')) return 'the request target must be a path starting with "/"';
  if (target.startsWith('//')) return 'the path must not start with "//"';
  const at = target.indexOf('?');
  const path = at < 0 ? target : target.slice(0, at);
  // URL parsers resolve `.` and `..` (and their %2e spellings): one server would route what another 404s.
  if (path.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment))) return 'the path has a "." or ".." segment';
  return partProblem(path, 'path', PATH_CHAR) ?? (at < 0 ? undefined : partProblem(target.slice(at + 1), 'query', QUERY_CHAR));
}
