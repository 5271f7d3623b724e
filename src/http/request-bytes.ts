// The body bytes of a request, read once and shared by whatever needs them (the signer, the transport).
const cache = /* @__PURE__ */ new WeakMap<Request, Promise<Uint8Array>>();

export function requestBytes(request: Request): Promise<Uint8Array> {
  let bytes = cache.get(request);
  if (!bytes) {
    bytes = request.clone().arrayBuffer().then((buffer) => new Uint8Array(buffer));
    cache.set(request, bytes);
  }
  return bytes;
}
