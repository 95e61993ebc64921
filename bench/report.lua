-- What every bench load script shares: per-thread numbering, failure counting, and the
-- one RESULT line `bench/wrk.py` reads. Loaded with dofile(os.getenv("BENCH_REPORT")).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

failures = 0
first_failure = ""

function fail(response_body)
  failures = failures + 1
  if first_failure == "" then first_failure = string.sub(response_body, 1, 300) end
end

function done(summary, latency, requests)
  local failed = 0
  local sample = ""
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
    if sample == "" then sample = thread:get("first_failure") end
  end
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d failed=%d socket_errors=%d duration_us=%d p50_us=%d p99_us=%d\n",
    summary.requests, failed,
    errors.connect + errors.read + errors.write + errors.timeout,
    summary.duration, latency:percentile(50), latency:percentile(99)))
  if sample ~= "" then io.write("FIRST_FAILURE " .. sample .. "\n") end
end
