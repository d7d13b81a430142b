-- bench/report.lua — wrk's summary as one line that bench/run.sh reads:
--   BENCH requests=N seconds=S rps=R p50_ms=A p99_ms=B non2xx=E socket_errors=F
-- (wrk measures latency in microseconds; errors.status counts answers >= 400.)

done = function(summary, latency, requests)
   local seconds = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d socket_errors=%d\n",
      summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      e.status, e.connect + e.read + e.write + e.timeout))
end
