// ---- The client's runtime: the same in every client routekit writes. It needs `fetch`,
// `Headers`, `URLSearchParams` and `encodeURIComponent`, nothing else.

/** Where the server is, and what every call sends. */
export interface ClientOptions {
  /** The server's origin, with the prefix the app is mounted under if any: `http://127.0.0.1:3000`. */
  baseUrl: string;
  /**
   * Headers sent with every call (`authorization`); a call's own `headers` win. A function
   * is called before each call, for a token that changes.
   */
  headers?: HeadersInit | (() => HeadersInit | Promise<HeadersInit>);
  /** The `fetch` to call; the global one unless given. */
  fetch?: typeof fetch;
}

/** What every call takes besides its parameters. */
export type CallOptions = {
  /** Headers for this call only, over the client's. */
  headers?: HeadersInit;
  /** Aborts the call: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
};

/** A documented success (`response.ok`) and its body. */
export type Success<S extends number, T> = { ok: true; status: S; data: T; response: Response };
/** A documented success without a body (`204`). */
export type NoContent<S extends number> = { ok: true; status: S; response: Response };
/** An answer that is not a success, with its body (routekit's `{ error }` shapes). */
export type Failure<S extends number, E> = { ok: false; status: S; error: E; response: Response };

type BodyKind = "json" | "form" | "multipart" | "text" | "binary";

/** How one operation sends its input. */
type Spec = {
  /** Catch-all path parameters: their `/` are kept, each segment encoded. */
  rest?: readonly string[];
  /** How the body is sent. */
  body?: BodyKind;
  /** The path parameters are under `path`. */
  nested?: boolean;
};

type Call = <R>(method: string, template: string, spec: Spec, input: object) => Promise<R>;

/** A path parameter's value as its segment(s), percent-encoded. */
function segment(name: string, value: unknown, rest: boolean): string {
  if (value === undefined || value === null) {
    throw new TypeError(`routekit client: path parameter \`${name}\` is missing`);
  }
  const text = String(value);
  const parts = rest ? text.split("/") : [text];
  // An empty segment matches no route, and `.` or `..` would be resolved away by the URL.
  if (text === "" || parts.some((part) => part === "." || part === "..")) {
    throw new TypeError(`routekit client: path parameter \`${name}\` cannot be ${JSON.stringify(text)}`);
  }
  return parts.map(encodeURIComponent).join("/");
}

/** `{ tag: ["a", "b"], page: 1 }` as `tag=a&tag=b&page=1`; `undefined` and `null` are left out. */
function appendAll(params: URLSearchParams, values: object): void {
  for (const [key, value] of Object.entries(values)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null) continue;
      params.append(key, typeof item === "object" ? JSON.stringify(item) : String(item));
    }
  }
}

function isJson(contentType: string): boolean {
  const essence = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  return essence === "application/json" || essence.endsWith("+json");
}

/** An answer's body: parsed JSON, text, the stream of server-sent events, or a `Blob`. */
async function read(response: Response): Promise<unknown> {
  if (response.body === null || response.status === 204 || response.status === 205) return undefined;
  const type = response.headers.get("content-type") ?? "";
  if (isJson(type)) {
    const text = await response.text();
    return text === "" ? undefined : JSON.parse(text);
  }
  if (type.toLowerCase().startsWith("text/event-stream")) return response.body;
  if (type === "" || type.toLowerCase().startsWith("text/")) return response.text();
  return response.blob();
}

function caller(options: ClientOptions): Call {
  const base = options.baseUrl.replace(/\/+$/, "");
  return async <R>(method: string, template: string, spec: Spec, input: object): Promise<R> => {
    const args = input as { [key: string]: unknown };
    const params = ((spec.nested ? args.path : args) ?? {}) as { [key: string]: unknown };
    let url = base + template.replace(/\{([^}]+)\}/g, (_, name: string) =>
      segment(name, params[name], spec.rest?.includes(name) ?? false));
    if (typeof args.query === "object" && args.query !== null) {
      const query = new URLSearchParams();
      appendAll(query, args.query);
      const text = query.toString();
      if (text !== "") url += "?" + text;
    }
    const shared = typeof options.headers === "function" ? await options.headers() : options.headers;
    const headers = new Headers(shared);
    new Headers(args.headers as HeadersInit | undefined).forEach((value, key) => headers.set(key, value));
    let body: BodyInit | undefined;
    if (spec.body !== undefined && args.body !== undefined) {
      const given = args.body;
      const type = (value: string) => {
        if (!headers.has("content-type")) headers.set("content-type", value);
      };
      switch (spec.body) {
        case "json":
          body = JSON.stringify(given);
          type("application/json");
          break;
        case "form": {
          const form = given instanceof URLSearchParams ? given : new URLSearchParams();
          if (form !== given && typeof given === "object" && given !== null) appendAll(form, given);
          body = form;
          type("application/x-www-form-urlencoded");
          break;
        }
        case "multipart":
          body = given as FormData;
          break;
        case "text":
          body = String(given);
          type("text/plain; charset=utf-8");
          break;
        case "binary":
          body = given as BodyInit;
          type("application/octet-stream");
          break;
      }
    }
    const signal = args.signal as AbortSignal | undefined;
    const send = options.fetch ?? fetch;
    const response = await send(url, { method, headers, body, signal });
    const data = await read(response);
    const status = response.status;
    const result = response.ok
      ? { ok: true, status, data, response }
      : { ok: false, status, error: data, response };
    return result as R;
  };
}
