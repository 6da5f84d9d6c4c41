-- wrk script of scripts/load_bench.sh: signed GitHub deliveries, each with its own id.
--
--   wrk ... -s scripts/load_bench.lua http://127.0.0.1:PORT/webhook -- BODY_FILE SIGNATURE RUN_TAG
--
-- BODY_FILE holds the exact body; SIGNATURE is its "sha256=<hex>" (computed once by the
-- shell script: GitHub signs the body only, not X-GitHub-Delivery). Every request carries a
-- new X-GitHub-Delivery made of RUN_TAG (one per wrk run), the wrk thread and a counter, so
-- the replay guard sees each id once. response() counts answers other than 204 (the
-- handler's status; a duplicate would be 200) and non-2xx; done() prints them.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  body = file:read("*a")
  file:close()
  signature = args[2]
  tag = tonumber(args[3])
  counter = 0
  non2xx = 0
  non204 = 0
end

function request()
  counter = counter + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-GitHub-Event"] = "push",
    ["X-Hub-Signature-256"] = signature,
    -- GUID-shaped: run tag, thread, counter.
    ["X-GitHub-Delivery"] = string.format("%08x-%04x-4000-8000-%012x", tag, tid, counter),
  }
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
  if status ~= 204 then
    non204 = non204 + 1
  end
end

function done(summary, latency, requests)
  local bad2xx, bad204 = 0, 0
  for _, thread in ipairs(threads) do
    bad2xx = bad2xx + thread:get("non2xx")
    bad204 = bad204 + thread:get("non204")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d non2xx=%d non204=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99), bad2xx, bad204,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
