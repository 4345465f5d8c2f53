// The example driven through its shipped client, with Node's test runner after `tsc`:
// `.ci/ts-client.sh` starts the blog on a free port and sets BLOG_URL. By hand:
//
//   cargo run -p blog                       # in one terminal (demo mode on loopback)
//   bash scripts/ts-tools.sh                # npm's typescript, into the target directory
//   bash .ci/ts-client.sh                   # or compile and run this file yourself
import { strict as assert } from "node:assert";
import { test } from "node:test";

import { createClient, type ApiError, type ValidationError } from "./blog-client.js";

const baseUrl = process.env.BLOG_URL ?? "http://127.0.0.1:3000";
const ada = createClient({ baseUrl, headers: { authorization: "Bearer ada-token" } });
const anonymous = createClient({ baseUrl });

function isValidation(error: unknown): error is ValidationError {
  return typeof error === "object" && error !== null && "error" in error && typeof error.error === "object";
}

test("ada creates a post, anyone reads it back", async () => {
  const created = await ada.posts.collection.post({
    body: { title: "From TypeScript", body: "Sent by the generated client" },
  });
  assert.equal(created.status, 201);
  if (!created.ok) assert.fail(`create answered ${created.status}`);
  const post = created.data;
  assert.equal(post.title, "From TypeScript");
  assert.equal(typeof post.id, "number");

  const read = await anonymous.posts.item.get({ id: post.id });
  if (!read.ok) assert.fail(`read answered ${read.status}`);
  assert.equal(read.status, 200);
  assert.deepEqual(read.data, post);

  // A call's own headers: the list needs a token, given for this call only.
  const list = await anonymous.posts.collection.get({
    headers: { authorization: "Bearer ada-token" },
  });
  if (!list.ok) assert.fail(`list answered ${list.status}`);
  assert.ok(list.data.some((p) => p.id === post.id));
});

test("a bad user answers the typed 400 in zod's flatten() shape", async () => {
  const r = await anonymous.users.collection.post({ body: { name: "", email: "not-an-email" } });
  assert.equal(r.status, 400);
  if (r.ok) assert.fail("a bad user was created");
  // Typed from the document: `unknown` would not compile here.
  const typed: ApiError | ValidationError = r.error;
  assert.equal(typeof typed.error, "object");
  if (!isValidation(r.error)) assert.fail(`not a validation error: ${JSON.stringify(r.error)}`);
  assert.deepEqual(r.error.error.formErrors, []);
  assert.deepEqual(Object.keys(r.error.error.fieldErrors).sort(), ["email", "name"]);
  assert.ok((r.error.error.fieldErrors.email ?? []).length > 0);
});

test("a missing token answers 401 with routekit's error body", async () => {
  const r = await anonymous.posts.collection.get();
  assert.equal(r.status, 401);
  if (r.ok) assert.fail("listed posts without a token");
  assert.deepEqual(r.error, { error: "Unauthorized" });
  assert.equal(r.response.headers.get("content-type"), "application/json");

  const create = await anonymous.posts.collection.post({ body: { title: "t", body: "b" } });
  assert.equal(create.status, 401);
  assert.equal(create.ok, false);
});

test("the query string is typed and serialized", async () => {
  const page = await anonymous.users.collection.get({ query: { page: 1, limit: 10 } });
  assert.equal(page.status, 200);
  if (!page.ok) assert.fail(`users answered ${page.status}`);
  // `GET /api/users` answers an untyped `Response`: its body is `unknown` to the client.
  const body = page.data as { pagination: { page: number; limit: number } };
  assert.deepEqual([body.pagination.page, body.pagination.limit], [1, 10]);

  const bad = await anonymous.users.collection.get({ query: { limit: 0 } });
  assert.equal(bad.status, 400);
  if (bad.ok) assert.fail("limit=0 was taken");
  assert.ok(isValidation(bad.error) && "limit" in bad.error.error.fieldErrors);
});

test("path parameters are percent-encoded; a catch-all keeps its slashes", async () => {
  const team = await anonymous.nextjs.team.get({ team: "a b/c?d" });
  if (!team.ok) assert.fail(`team answered ${team.status}`);
  assert.deepEqual(team.data, { team: "a b/c?d" });

  const docs = await anonymous.nextjs.docs.get.slug({ slug: "guide/first steps" });
  if (!docs.ok) assert.fail(`docs answered ${docs.status}`);
  assert.deepEqual(docs.data, { slug: ["guide", "first steps"] });

  const root = await anonymous.nextjs.docs.get();
  if (!root.ok) assert.fail(`docs answered ${root.status}`);
  assert.deepEqual(root.data, { slug: null });

  // `..` would be resolved away by the URL: refused before anything is sent.
  await assert.rejects(anonymous.nextjs.team.get({ team: ".." }), TypeError);
});

test("a form body is sent urlencoded", async () => {
  const r = await anonymous.nextjs.form.post({ body: { name: "Ada", email: "ada@example.com" } });
  if (!r.ok) assert.fail(`form answered ${r.status}`);
  assert.deepEqual(r.data, { name: "Ada", email: "ada@example.com" });
});

test("a delete answers 204 without data; the post is gone", async () => {
  const created = await ada.posts.collection.post({ body: { title: "Short-lived", body: "…" } });
  if (!created.ok) assert.fail(`create answered ${created.status}`);
  const gone = await ada.posts.item.delete({ id: created.data.id });
  assert.equal(gone.status, 204);
  assert.equal(gone.ok, true);

  const read = await anonymous.posts.item.get({ id: created.data.id });
  assert.equal(read.status, 404);
  if (read.ok) assert.fail("a deleted post was read");
  assert.deepEqual(read.error, { error: "Not found" });
});

test("an aborted signal rejects the call", async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(anonymous.hello.get({ signal: controller.signal }), { name: "AbortError" });
});
