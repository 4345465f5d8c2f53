-- wrk script for bench/soak: a read/write mix against the example blog.
--   50% GET /api/posts, 30% GET /api/posts/1, 10% POST /api/posts, 10% DELETE of a post
--   this thread created (so the data set stays the same size over the run).
-- Every request carries the demo bearer token (env TOKEN). wrk's `response` does not say
-- which request a response answers (a thread drives many connections), so the kind is read
-- from the status: 200 a read, 201 a created post (its id is kept for a later DELETE), 204 a
-- delete; anything else is unexpected and printed at the end.

local token = os.getenv("TOKEN") or "ada-token"
local auth = "Bearer " .. token
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  created = {}          -- ids of posts this thread created, not deleted yet
  unexpected = 0
  statuses = ""         -- the first few unexpected statuses, for the report
  reads, writes, deletes = 0, 0, 0
end

function request()
  counter = counter + 1
  local slot = counter % 10
  local headers = { ["Authorization"] = auth }
  if slot == 9 and #created > 0 then
    local id = table.remove(created, 1)
    return wrk.format("DELETE", "/api/posts/" .. id, headers)
  elseif slot == 8 or slot == 9 then
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/posts", headers,
      '{"title":"soak ' .. counter .. '","body":"written under load"}')
  elseif slot < 5 then
    return wrk.format("GET", "/api/posts", headers)
  else
    return wrk.format("GET", "/api/posts/1", headers)
  end
end

function response(status, headers, body)
  if status == 200 then
    reads = reads + 1
  elseif status == 201 then
    writes = writes + 1
    local id = body:match('"id":(%d+)')
    if id then table.insert(created, id) end
  elseif status == 204 then
    deletes = deletes + 1
  else
    unexpected = unexpected + 1
    if #statuses < 200 then statuses = statuses .. status .. " " end
  end
end

function done(summary, latency, requests)
  local total_unexpected, r, w, d, seen = 0, 0, 0, 0, ""
  for _, thread in ipairs(threads) do
    total_unexpected = total_unexpected + thread:get("unexpected")
    r = r + thread:get("reads")
    w = w + thread:get("writes")
    d = d + thread:get("deletes")
    seen = seen .. thread:get("statuses")
  end
  local e = summary.errors
  io.write(string.format("SOAK requests=%d reads=%d writes=%d deletes=%d unexpected=%d " ..
    "socket_errors=%d (connect=%d read=%d write=%d timeout=%d) non2xx=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, r, w, d, total_unexpected,
    e.connect + e.read + e.write + e.timeout, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  if seen ~= "" then io.write("SOAK unexpected statuses: " .. seen .. "\n") end
end
