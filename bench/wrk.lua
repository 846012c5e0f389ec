-- wrk script for bench/bench.py: POSTs the file named by BENCH_BODY_FILE when set (the body
-- is sent as the ipythonblocks client sends it, with no Content-Type), asks for gzip when
-- BENCH_GZIP is set (as browsers do), sends BENCH_IF_NONE_MATCH as If-None-Match when set (an
-- open wall's poll), and prints one line of JSON when done for bench.py.
local body_file = os.getenv("BENCH_BODY_FILE")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  f:close()
end
if os.getenv("BENCH_GZIP") == "1" then
  wrk.headers["Accept-Encoding"] = "gzip"
end
local if_none_match = os.getenv("BENCH_IF_NONE_MATCH")
if if_none_match and if_none_match ~= "" then
  wrk.headers["If-None-Match"] = if_none_match
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
      .. '"status_errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
