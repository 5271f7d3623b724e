// OpenAPI path templates (`/public/v1/mt4/accounts/{login}/deposit`) matched against concrete paths: the
// sandbox routes by them and reconciliation reads a lost request's path parameters back with them.

export type PathMatcher = (pathname: string) => Record<string, string> | undefined;

export function compilePathTemplate(template: string): PathMatcher {
  const names: string[] = [];
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (!name) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      names.push(name);
      return '([^/]+)';
    })
    .join('');
  const pattern = new RegExp(`^${source}$`);
  return (pathname) => {
    const found = pattern.exec(pathname);
    if (!found) return undefined;
    return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1] ?? "")]));
  };
}
