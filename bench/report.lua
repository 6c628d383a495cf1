-- wrk script of bench/run.sh's /healthz run: the default request (no
-- request() or response() function, so wrk keeps its fast path); done()
-- prints one line that bench/run.sh parses (bench/paths.lua loads this file
-- for its done()):
--
--   BENCH requests=N duration_s=S rps=R p50_ms=A p90_ms=B p99_ms=C max_ms=D
--         non2xx=N connect=N read=N write=N timeout=N
--
-- non2xx is wrk's summary.errors.status: responses with a status above 399
-- (wrk does not count 1xx/3xx there; the benchmarked GETs send no
-- conditional headers, so they never get a 304). connect/read/write/timeout
-- are socket errors.

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_s=%.3f rps=%.2f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
    "non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect, e.read, e.write, e.timeout))
end
