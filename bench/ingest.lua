-- wrk script of bench/ingest.py: each request takes the next signed body of the file named
-- in INGEST_REQUESTS (lines "event<TAB>signature<TAB>body"), threads taking disjoint ones, so
-- no body is sent twice while the file lasts; counts 2xx and other answers per thread.
local threads = {}
local api_url = os.getenv("INGEST_API_URL")

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  lines = {}
  for line in io.lines(os.getenv("INGEST_REQUESTS")) do
    lines[#lines + 1] = line
  end
  step = tonumber(os.getenv("INGEST_THREADS"))
  index = id
  sent, ok, failed, wrapped = 0, 0, 0, 0
end

function request()
  if index >= #lines then
    index = index % #lines
    wrapped = 1
  end
  local line = lines[index + 1]
  index = index + step
  sent = sent + 1
  local event, signature, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
  local headers = {
    ["Content-Type"] = "application/json",
    ["Saleor-Event"] = event,
    ["Saleor-Api-Url"] = api_url,
    ["Saleor-Signature"] = signature,
  }
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else failed = failed + 1 end
end

function done(summary, latency, requests)
  local total_ok, total_failed, total_sent, any_wrapped = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_failed = total_failed + thread:get("failed")
    total_sent = total_sent + thread:get("sent")
    any_wrapped = math.max(any_wrapped, thread:get("wrapped"))
  end
  io.write(string.format("INGEST ok=%d failed=%d sent=%d wrapped=%d p50=%d p99=%d rps=%.1f\n",
    total_ok, total_failed, total_sent, any_wrapped,
    latency:percentile(50), latency:percentile(99),
    summary.requests / (summary.duration / 1e6)))
end
