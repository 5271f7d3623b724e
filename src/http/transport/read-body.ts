// An answer's body, read whole by the transport before anyone else sees it: cut off once it passes `maxBytes`
// (an endless or oversized answer never fills memory), and only while the attempt's deadline runs (the attempt
// cancels the read when it expires, so a body that trickles or a Content-Length never honoured cannot keep a
// call open, whatever the fetch). The Response is then handed on with its body methods answering from those
// bytes, so openapi-fetch, a middleware and the caller read it as they would have. Reading it here costs no
// more than openapi-fetch's own `response.text()` (Node 20's is the slower of the two).

/** The read in progress, which the attempt cancels when its deadline passes or the caller aborts. */
export interface BodyRead {
  reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
}

const EMPTY = /* @__PURE__ */ new Uint8Array(0);

/**
 * All of `body`; undefined, its read cancelled, as soon as it (or its declared length) passes `maxBytes` (the
 * transport turns that into the call's error).
 */
export async function readBody(body: ReadableStream<Uint8Array>, maxBytes: number, declaredLength: string | null, read: BodyRead): Promise<Uint8Array | undefined> {
  if (declaredLength !== null && Number(declaredLength) > maxBytes) {
    await body.cancel().catch(() => undefined);
    return undefined;
  }
  const reader = body.getReader();
  read.reader = reader;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return undefined;
      }
      chunks.push(value);
    }
  } finally {
    read.reader = undefined;
  }
  if (chunks.length <= 1) return chunks[0] ?? EMPTY;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

const decoder = /* @__PURE__ */ new TextDecoder();

/** UTF-8, as `Response.text()` decodes (a byte-order mark dropped, bad bytes replaced). */
export const decodeBody = (bytes: Uint8Array): string => decoder.decode(bytes);

const ANSWER = Symbol('crm-open-api.answer');

interface ReadAnswer {
  bytes: Uint8Array;
  text: string | undefined;
  /** The parsed JSON the transport checked, handed to the first `json()` call (openapi-fetch's) unparsed again. */
  parsed: { value: unknown } | undefined;
  stream: ReadableStream<Uint8Array> | undefined;
}

type Answered = Response & { [ANSWER]: ReadAnswer };

const textOf = (answer: ReadAnswer): string => (answer.text ??= decodeBody(answer.bytes));

function copyOf(response: Answered): Response {
  return new Response(response[ANSWER].bytes.slice(), { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** Shared by every answered Response: the body methods, reading the bytes kept under ANSWER. */
const BODY_FROM_BYTES: PropertyDescriptorMap = {
  text: {
    configurable: true,
    value(this: Answered) {
      return Promise.resolve(textOf(this[ANSWER]));
    },
  },
  json: {
    configurable: true,
    async value(this: Answered) {
      const answer = this[ANSWER];
      const { parsed } = answer;
      answer.parsed = undefined;
      return parsed ? parsed.value : JSON.parse(textOf(answer));
    },
  },
  arrayBuffer: {
    configurable: true,
    value(this: Answered) {
      return Promise.resolve(this[ANSWER].bytes.slice().buffer);
    },
  },
  bytes: {
    configurable: true,
    value(this: Answered) {
      return Promise.resolve(this[ANSWER].bytes.slice());
    },
  },
  blob: {
    configurable: true,
    value(this: Answered) {
      return Promise.resolve(new Blob([this[ANSWER].bytes.slice()], { type: this.headers.get('content-type') ?? '' }));
    },
  },
  formData: {
    configurable: true,
    value(this: Answered) {
      return copyOf(this).formData();
    },
  },
  clone: {
    configurable: true,
    value(this: Answered) {
      return copyOf(this);
    },
  },
  body: {
    configurable: true,
    get(this: Answered) {
      const answer = this[ANSWER];
      return (answer.stream ??= copyOf(this).body!);
    },
  },
};

/** Response.prototype with the body methods above in front: what an answered Response of this runtime is. */
let answeredPrototype: object | undefined;

/**
 * `response` itself (its status, headers and url unchanged), its body now answered from `bytes`: `text` when
 * it was decoded already (redacted, for an error answer), `parsed` when its JSON was checked. A Response of
 * this runtime gets the shared prototype (one step; defining the methods on each costs several µs per call on
 * Node 20); one from elsewhere (a custom fetch's polyfill) gets them as its own properties.
 */
export function answeredFrom(response: Response, bytes: Uint8Array, text?: string, parsed?: { value: unknown }): Response {
  const answer: ReadAnswer = { bytes, text, parsed, stream: undefined };
  Object.defineProperty(response, ANSWER, { value: answer });
  if (Object.getPrototypeOf(response) !== Response.prototype) return Object.defineProperties(response, BODY_FROM_BYTES);
  return Object.setPrototypeOf(response, (answeredPrototype ??= Object.create(Response.prototype, BODY_FROM_BYTES)));
}
