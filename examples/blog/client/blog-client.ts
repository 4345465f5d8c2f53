// The TypeScript client of a routekit app, written by `routekit::client::typescript` from the
// app's routes. Do not edit it: change the routes and write it again.
//
//   import { createClient } from "./client";
//   const api = createClient({ baseUrl: "http://127.0.0.1:3000" });
//   const r = await api.<operationId>({ ... });
//   if (r.ok) r.data; else r.error;
/* eslint-disable */

/** routekit's error shape: `{"error": "message"}`. Some answers add members, such as `param` naming a path parameter that did not parse. */
export type ApiError = {
  /** What went wrong. */
  error: string;
};

/** The seed's `createUserSchema`. */
export type CreateUser = {
  /** @format email */
  email: string;
  name: string;
};

/** A new post: both fields required. */
export type NewPost = {
  body: string;
  title: string;
};

/**
 * `?page=&limit=`, the seed's `parseInt(url.searchParams.get('page') || '1')` and
 * `… 'limit') || '10'`, made strict: a value that is not an integer, a `page` below 1 or a
 * `limit` outside 1–100 answers `400` in the same `fieldErrors` shape as a bad body. An
 * empty value takes the default, as `|| '1'` does.
 */
export type Pagination = {
  /**
   * Users per page, 1–100.
   * @format int64
   * @default 10
   */
  limit?: number;
  /**
   * The page, from 1.
   * @format int64
   * @default 1
   */
  page?: number;
};

export type Post = {
  /** @format int64 */
  authorId: number;
  body: string;
  createdAt: string;
  /** @format int64 */
  id: number;
  title: string;
};

/** The seed's `updatePostSchema`: every field optional, none empty. */
export type UpdatePost = {
  body?: string | null;
  title?: string | null;
};

export type User = {
  email: string;
  /** @format int64 */
  id: number;
  name: string;
};

/** Input that failed validation, in zod's `error.flatten()` shape. */
export type ValidationError = {
  error: {
    /** Errors by field path: `email`, `address.city`, `tags[1]`. */
    fieldErrors: Record<string, string[]>;
    /** Errors about the input as a whole. */
    formErrors: string[];
  };
};

/** routekit's `ApiError` answer body. */
export type ApiErrorBody = ApiError;

/** routekit's `ValidationError` answer body. */
export type ValidationErrorBody = ValidationError;

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

// ---- The operations.

/** What `nextjs.cookies.get` takes. */
export type NextjsCookiesGetInput = CallOptions;

/** What `nextjs.cookies.get` answers: a union on `ok`, then on `status`. */
export type NextjsCookiesGetResult =
  | Success<number, unknown>
  | Failure<500, ApiError>
  | Failure<number, unknown>;

/** What `nextjs.cors.get` takes. */
export type NextjsCorsGetInput = CallOptions;

/** What `nextjs.cors.get` answers: a union on `ok`, then on `status`. */
export type NextjsCorsGetResult =
  | Success<number, unknown>
  | Failure<500, ApiError>
  | Failure<number, unknown>;

/** What `nextjs.echo.post` takes. */
export type NextjsEchoPostInput = CallOptions & {
  /** Sent as JSON. */
  body: unknown;
};

/** What `nextjs.echo.post` answers: a union on `ok`, then on `status`. */
export type NextjsEchoPostResult =
  | Success<number, unknown>
  | Failure<400, ApiError | ValidationError>
  | Failure<413, ApiError>
  | Failure<415, ApiError>
  | Failure<500, ApiError>
  | Failure<number, unknown>;

/** What `nextjs.form.post` takes. */
export type NextjsFormPostInput = CallOptions & {
  /** Sent as an urlencoded form. */
  body: Record<string, string>;
};

/** What `nextjs.form.post` answers: a union on `ok`, then on `status`. */
export type NextjsFormPostResult =
  | Success<number, unknown>
  | Failure<400, ApiError | ValidationError>
  | Failure<413, ApiError>
  | Failure<415, ApiError>
  | Failure<500, ApiError>
  | Failure<number, unknown>;

/** What `nextjs.headers.get` takes. */
export type NextjsHeadersGetInput = CallOptions;

/** What `nextjs.headers.get` answers: a union on `ok`, then on `status`. */
export type NextjsHeadersGetResult =
  | Success<number, unknown>
  | Failure<500, ApiError>
  | Failure<number, unknown>;

/** What `health.get` takes. */
export type HealthGetInput = CallOptions;

/** What `health.get` answers: a union on `ok`, then on `status`. */
export type HealthGetResult =
  | Success<number, unknown>
  | Failure<500, ApiError>
  | Failure<number, unknown>;

/** What `hello.get` takes. */
export type HelloGetInput = CallOptions;

/** What `hello.get` answers: a union on `ok`, then on `status`. */
export type HelloGetResult =
  | Success<number, unknown>
  | Failure<500, ApiError>
  | Failure<number, unknown>;

/** What `posts.collection.get` takes. */
export type PostsCollectionGetInput = CallOptions;

/** What `posts.collection.get` answers: a union on `ok`, then on `status`. */
export type PostsCollectionGetResult =
  | Success<200, Post[]>
  | Failure<401, ApiError>
  | Failure<500, ApiError>
  | Failure<number, ApiError | ValidationError>;

/** What `posts.collection.post` takes. */
export type PostsCollectionPostInput = CallOptions & {
  /** Sent as JSON. */
  body: NewPost;
};

/** What `posts.collection.post` answers: a union on `ok`, then on `status`. */
export type PostsCollectionPostResult =
  | Success<201, Post>
  | Failure<400, ApiError | ValidationError>
  | Failure<401, ApiError>
  | Failure<413, ApiError>
  | Failure<415, ApiError>
  | Failure<500, ApiError>
  | Failure<number, ApiError | ValidationError>;

/** What `posts.live.get` takes. */
export type PostsLiveGetInput = CallOptions;

/** What `posts.live.get` answers: a union on `ok`, then on `status`. */
export type PostsLiveGetResult =
  | Success<number, unknown>
  | Failure<400, ApiError | ValidationError>
  | Failure<500, ApiError>
  | Failure<number, unknown>;

/** What `posts.item.get` takes. */
export type PostsItemGetInput = CallOptions & {
  /** @format int64 */
  id: number;
};

/** What `posts.item.get` answers: a union on `ok`, then on `status`. */
export type PostsItemGetResult =
  | Success<200, Post>
  | Failure<400, ApiError | ValidationError>
  | Failure<500, ApiError>
  | Failure<number, ApiError | ValidationError>;

/** What `posts.item.delete` takes. */
export type PostsItemDeleteInput = CallOptions & {
  /** @format int64 */
  id: number;
};

/** What `posts.item.delete` answers: a union on `ok`, then on `status`. */
export type PostsItemDeleteResult =
  | NoContent<204>
  | Failure<400, ApiError | ValidationError>
  | Failure<500, ApiError>
  | Failure<number, ApiError | ValidationError>;

/** What `posts.item.patch` takes. */
export type PostsItemPatchInput = CallOptions & {
  /** @format int64 */
  id: number;
  /** Sent as JSON. */
  body: UpdatePost;
};

/** What `posts.item.patch` answers: a union on `ok`, then on `status`. */
export type PostsItemPatchResult =
  | Success<200, Post>
  | Failure<400, ApiError | ValidationError>
  | Failure<413, ApiError>
  | Failure<415, ApiError>
  | Failure<500, ApiError>
  | Failure<number, ApiError | ValidationError>;

/** What `nextjs.redirect.get` takes. */
export type NextjsRedirectGetInput = CallOptions;

/** What `nextjs.redirect.get` answers: a union on `ok`, then on `status`. */
export type NextjsRedirectGetResult =
  | Success<number, unknown>
  | Failure<500, ApiError>
  | Failure<number, unknown>;

/** What `nextjs.search.get` takes. */
export type NextjsSearchGetInput = CallOptions;

/** What `nextjs.search.get` answers: a union on `ok`, then on `status`. */
export type NextjsSearchGetResult =
  | Success<number, unknown>
  | Failure<500, ApiError>
  | Failure<number, unknown>;

/** What `nextjs.stream.get` takes. */
export type NextjsStreamGetInput = CallOptions;

/** What `nextjs.stream.get` answers: a union on `ok`, then on `status`. */
export type NextjsStreamGetResult =
  | Success<number, unknown>
  | Failure<500, ApiError>
  | Failure<number, unknown>;

/** What `nextjs.team.get` takes. */
export type NextjsTeamGetInput = CallOptions & {
  team: string;
};

/** What `nextjs.team.get` answers: a union on `ok`, then on `status`. */
export type NextjsTeamGetResult =
  | Success<number, unknown>
  | Failure<400, ApiError | ValidationError>
  | Failure<500, ApiError>
  | Failure<number, unknown>;

/** What `users.collection.get` takes. */
export type UsersCollectionGetInput = CallOptions & {
  /** The query string; an array is sent as repeated keys. */
  query?: {
    /**
     * Users per page, 1–100.
     * @format int64
     * @default 10
     */
    limit?: number;
    /**
     * The page, from 1.
     * @format int64
     * @default 1
     */
    page?: number;
  };
};

/** What `users.collection.get` answers: a union on `ok`, then on `status`. */
export type UsersCollectionGetResult =
  | Success<number, unknown>
  | Failure<400, ApiError | ValidationError>
  | Failure<500, ApiError>
  | Failure<number, unknown>;

/** What `users.collection.post` takes. */
export type UsersCollectionPostInput = CallOptions & {
  /** Sent as JSON. */
  body: CreateUser;
};

/** What `users.collection.post` answers: a union on `ok`, then on `status`. */
export type UsersCollectionPostResult =
  | Success<201, User>
  | Failure<400, ApiError | ValidationError>
  | Failure<413, ApiError>
  | Failure<415, ApiError>
  | Failure<500, ApiError>
  | Failure<number, ApiError | ValidationError>;

/** What `webhooks.stripe.post` takes. */
export type WebhooksStripePostInput = CallOptions;

/** What `webhooks.stripe.post` answers: a union on `ok`, then on `status`. */
export type WebhooksStripePostResult =
  | Success<number, unknown>
  | Failure<500, ApiError>
  | Failure<number, unknown>;

/** What `nextjs.docs.get` takes. */
export type NextjsDocsGetInput = CallOptions;

/** What `nextjs.docs.get` answers: a union on `ok`, then on `status`. */
export type NextjsDocsGetResult =
  | Success<number, unknown>
  | Failure<400, ApiError | ValidationError>
  | Failure<500, ApiError>
  | Failure<number, unknown>;

/** What `nextjs.docs.get.slug` takes. */
export type NextjsDocsGetSlugInput = CallOptions & {
  /**
   * The rest of the path: one or more segments, `a/b/c`. Optional in the route: a request without `slug` is matched by this path without it, documented as its own path.
   * The client keeps its `/` and encodes each segment.
   */
  slug: string;
};

/** What `nextjs.docs.get.slug` answers: a union on `ok`, then on `status`. */
export type NextjsDocsGetSlugResult =
  | Success<number, unknown>
  | Failure<400, ApiError | ValidationError>
  | Failure<500, ApiError>
  | Failure<number, unknown>;

/** What `nextjs.feed.get` takes. */
export type NextjsFeedGetInput = CallOptions;

/** What `nextjs.feed.get` answers: a union on `ok`, then on `status`. */
export type NextjsFeedGetResult =
  | Success<number, unknown>
  | Failure<500, ApiError>
  | Failure<number, unknown>;

/**
 * A client of the API: one method per operation, nested by `operationId`. Each
 * answers a union on `ok`: `{ ok: true, status, data, response }` for a documented
 * success, `{ ok: false, status, error, response }` otherwise. A network failure or an
 * aborted `signal` rejects, as `fetch` does.
 */
export function createClient(options: ClientOptions) {
  const call = caller(options);
  return {
    health: {
      /**
       * `GET /api/health`: `SELECT 1`, `503` when the database does not answer. Unlike the seed, which sends `error.message`, the cause goes to the log only: a database error can name hosts, users and schema.
       *
       * While `routekit::serve` drains (it got SIGTERM and is finishing in-flight requests) the
       * check answers `503 {"status": "draining"}` without asking the database, so a load
       * balancer that polls it takes the instance out before it is gone.
       */
      get: (input: HealthGetInput = {}): Promise<HealthGetResult> =>
        call<HealthGetResult>("GET", "/api/health", {}, input),
    },
    hello: {
      /** `GET /api/hello`: TanStack's basic server route. */
      get: (input: HelloGetInput = {}): Promise<HelloGetResult> =>
        call<HelloGetResult>("GET", "/api/hello", {}, input),
    },
    nextjs: {
      cookies: {
        /** `GET /api/cookies` */
        get: (input: NextjsCookiesGetInput = {}): Promise<NextjsCookiesGetResult> =>
          call<NextjsCookiesGetResult>("GET", "/api/cookies", {}, input),
      },
      cors: {
        /** `GET /api/cors` */
        get: (input: NextjsCorsGetInput = {}): Promise<NextjsCorsGetResult> =>
          call<NextjsCorsGetResult>("GET", "/api/cors", {}, input),
      },
      docs: {
        /**
         * `app/docs/[[...slug]]/route.ts`: `/docs` and `/docs/a/b`.
         *
         * `GET /docs`
         */
        get: Object.assign(
          (input: NextjsDocsGetInput = {}): Promise<NextjsDocsGetResult> =>
            call<NextjsDocsGetResult>("GET", "/docs", {}, input),
          {
            /**
             * `app/docs/[[...slug]]/route.ts`: `/docs` and `/docs/a/b`.
             *
             * `GET /docs/{slug}`
             */
            slug: (input: NextjsDocsGetSlugInput): Promise<NextjsDocsGetSlugResult> =>
              call<NextjsDocsGetSlugResult>("GET", "/docs/{slug}", { rest: ["slug"] }, input),
          },
        ),
      },
      echo: {
        /** `POST /api/echo` */
        post: (input: NextjsEchoPostInput): Promise<NextjsEchoPostResult> =>
          call<NextjsEchoPostResult>("POST", "/api/echo", { body: "json" }, input),
      },
      feed: {
        /** `GET /feed.xml` */
        get: (input: NextjsFeedGetInput = {}): Promise<NextjsFeedGetResult> =>
          call<NextjsFeedGetResult>("GET", "/feed.xml", {}, input),
      },
      form: {
        /** `POST /api/form` */
        post: (input: NextjsFormPostInput): Promise<NextjsFormPostResult> =>
          call<NextjsFormPostResult>("POST", "/api/form", { body: "form" }, input),
      },
      headers: {
        /** `GET /api/headers` */
        get: (input: NextjsHeadersGetInput = {}): Promise<NextjsHeadersGetResult> =>
          call<NextjsHeadersGetResult>("GET", "/api/headers", {}, input),
      },
      redirect: {
        /** `GET /api/redirect` */
        get: (input: NextjsRedirectGetInput = {}): Promise<NextjsRedirectGetResult> =>
          call<NextjsRedirectGetResult>("GET", "/api/redirect", {}, input),
      },
      search: {
        /** `GET /api/search` */
        get: (input: NextjsSearchGetInput = {}): Promise<NextjsSearchGetResult> =>
          call<NextjsSearchGetResult>("GET", "/api/search", {}, input),
      },
      stream: {
        /**
         * The seed's `iteratorToStream`: three chunks, 200 ms apart.
         *
         * `GET /api/stream`
         */
        get: (input: NextjsStreamGetInput = {}): Promise<NextjsStreamGetResult> =>
          call<NextjsStreamGetResult>("GET", "/api/stream", {}, input),
      },
      team: {
        /**
         * `app/api/[team]/route.ts`.
         *
         * `GET /api/teams/{team}`
         */
        get: (input: NextjsTeamGetInput): Promise<NextjsTeamGetResult> =>
          call<NextjsTeamGetResult>("GET", "/api/teams/{team}", {}, input),
      },
    },
    posts: {
      collection: {
        /**
         * `GET /api/posts`
         *
         * Needs credentials: `auth` (send them in the client's or the call's `headers`).
         */
        get: (input: PostsCollectionGetInput = {}): Promise<PostsCollectionGetResult> =>
          call<PostsCollectionGetResult>("GET", "/api/posts", {}, input),
        /**
         * `POST /api/posts`
         *
         * Needs credentials: `auth` (send them in the client's or the call's `headers`).
         */
        post: (input: PostsCollectionPostInput): Promise<PostsCollectionPostResult> =>
          call<PostsCollectionPostResult>("POST", "/api/posts", { body: "json" }, input),
      },
      item: {
        /**
         * `204` when the author deleted it; `404` for a missing post or someone else's (the seed's Prisma `delete` would throw there).
         *
         * `DELETE /api/posts/{id}`
         */
        delete: (input: PostsItemDeleteInput): Promise<PostsItemDeleteResult> =>
          call<PostsItemDeleteResult>("DELETE", "/api/posts/{id}", {}, input),
        /**
         * Public, as in the seed.
         *
         * `GET /api/posts/{id}`
         */
        get: (input: PostsItemGetInput): Promise<PostsItemGetResult> =>
          call<PostsItemGetResult>("GET", "/api/posts/{id}", {}, input),
        /**
         * Only the author may edit: someone else's post answers `404`, as a missing one does.
         *
         * `PATCH /api/posts/{id}`
         */
        patch: (input: PostsItemPatchInput): Promise<PostsItemPatchResult> =>
          call<PostsItemPatchResult>("PATCH", "/api/posts/{id}", { body: "json" }, input),
      },
      live: {
        /** `GET /api/posts/live`: a WebSocket that sends each new post as a JSON text frame. A reader too slow for the feed misses the posts it fell behind on, never blocks a writer. */
        get: (input: PostsLiveGetInput = {}): Promise<PostsLiveGetResult> =>
          call<PostsLiveGetResult>("GET", "/api/posts/live", {}, input),
      },
    },
    users: {
      collection: {
        /**
         * `{data, pagination: {page, limit, total}}`; a bad `page` or `limit` answers `400`.
         *
         * `GET /api/users`
         */
        get: (input: UsersCollectionGetInput = {}): Promise<UsersCollectionGetResult> =>
          call<UsersCollectionGetResult>("GET", "/api/users", {}, input),
        /**
         * Validated like the seed (`400` with zod's `flatten()` shape), `409` for a taken email, `201` with the user.
         *
         * `POST /api/users`
         */
        post: (input: UsersCollectionPostInput): Promise<UsersCollectionPostResult> =>
          call<UsersCollectionPostResult>("POST", "/api/users", { body: "json" }, input),
      },
    },
    webhooks: {
      stripe: {
        /** `POST /api/webhooks/stripe` */
        post: (input: WebhooksStripePostInput = {}): Promise<WebhooksStripePostResult> =>
          call<WebhooksStripePostResult>("POST", "/api/webhooks/stripe", {}, input),
      },
    },
  };
}

/** The type of what `createClient` answers. */
export type Client = ReturnType<typeof createClient>;
