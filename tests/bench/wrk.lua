-- The request wrk sends, from the environment (run.mjs sets it), and the
-- result as one JSON line, so that nothing parses wrk's text.
--   WRK_METHOD, WRK_BODY, WRK_CONTENT_TYPE, WRK_AUTHORIZATION (optional)
wrk.method = os.getenv("WRK_METHOD") or "GET"
wrk.body = os.getenv("WRK_BODY")
if os.getenv("WRK_CONTENT_TYPE") then
	wrk.headers["Content-Type"] = os.getenv("WRK_CONTENT_TYPE")
end
if os.getenv("WRK_AUTHORIZATION") then
	wrk.headers["Authorization"] = os.getenv("WRK_AUTHORIZATION")
end

done = function(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
	    '\nWRK_JSON {"requests":%d,"duration_us":%d,"socket_errors":%d,' ..
	    '"non_2xx":%d,"p50_us":%d,"p99_us":%d,"p999_us":%d}\n',
	    summary.requests, summary.duration,
	    e.connect + e.read + e.write + e.timeout, e.status,
	    latency:percentile(50), latency:percentile(99),
	    latency:percentile(99.9)))
end
