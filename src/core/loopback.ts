// The package's one loopback test, for a URL's host name (`localhost`, `127.0.0.1`, `[::1]`) and for a socket's
// address (`127.0.0.1`, `::1`, `::ffff:127.0.0.1`) alike: plain http is allowed, or a caller trusted, only there.

const IPV4_LOOPBACK = /^127(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isLoopback(hostOrAddress: string | undefined): boolean {
  if (!hostOrAddress) return false;
  const bare = hostOrAddress.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/^::ffff:(?=\d)/, '');
  return bare === 'localhost' || bare === '::1' || IPV4_LOOPBACK.test(bare);
}
