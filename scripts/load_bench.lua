-- wrk script of scripts/load_bench.sh: signed GitHub deliveries, each a new event.
--
--   wrk ... -s scripts/load_bench.lua http://127.0.0.1:PORT/webhook -- DIR RUN_TAG THREADS
--
-- DIR holds what the shell script prepared for this run (GitHub signs the body only, and
-- wrk cannot compute an HMAC): `head` and `tail`, the body around its 21-character
-- delivery serial, and `signatures`, one "sha256=<hex>" line per serial (serial i on line
-- i + 1). Request i of the run sends body head .. serial(i) .. tail with X-GitHub-Delivery
-- serial(i): every request is a new event, with a new id AND a new body, so the replay
-- guard (which also remembers a digest of GitHub's unsigned deliveries) sees each once.
-- The wrk threads take serials in turn. Running out of signatures is counted (the shell
-- script then fails and says to raise RATE_CAP). response() counts answers other than 204
-- (the handler's status; a duplicate would be 200) and non-2xx; done() prints them.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

local function slurp(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("*a")
  file:close()
  return text
end

function init(args)
  local dir = args[1]
  head = slurp(dir .. "/head")
  tail = slurp(dir .. "/tail")
  signatures = {}
  for line in io.lines(dir .. "/signatures") do
    signatures[#signatures + 1] = line
  end
  tag = tonumber(args[2])
  step = tonumber(args[3])
  serial = tid - 1 - step
  non2xx = 0
  non204 = 0
  exhausted = 0
end

function request()
  serial = serial + step
  local signature = signatures[serial + 1]
  if signature == nil then
    exhausted = exhausted + 1
    signature = signatures[(serial % #signatures) + 1]
  end
  local id = string.format("%08x-%012x", tag, serial)
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-GitHub-Event"] = "push",
    ["X-Hub-Signature-256"] = signature,
    ["X-GitHub-Delivery"] = id,
  }
  return wrk.format("POST", nil, headers, head .. id .. tail)
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
  local bad2xx, bad204, short = 0, 0, 0
  for _, thread in ipairs(threads) do
    bad2xx = bad2xx + thread:get("non2xx")
    bad204 = bad204 + thread:get("non204")
    short = short + thread:get("exhausted")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d non2xx=%d non204=%d socket_errors=%d exhausted=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99), bad2xx, bad204,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    short))
end
