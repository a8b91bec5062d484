-- What every wrk script of the benchmark shares: a thread number for each
-- thread (to split the pools of writes between them), reading data files,
-- and done(), which prints one JSON line (BENCHJSON {...}) with the
-- throughput, the latency distribution and every kind of error: socket
-- errors, non-2xx answers counted by wrk, and the answers the scripts
-- judged wrong themselves ("bad").
local M = {}
local threads = {}
local count = 0

function M.setup(thread)
	thread:set("tid", count)
	count = count + 1
	thread:set("nthreads_hint", count)
	table.insert(threads, thread)
end

function M.lines(path)
	local t = {}
	for l in io.lines(path) do
		if l ~= "" then t[#t + 1] = l end
	end
	return t
end

-- "token id" lines into two arrays.
function M.pairs(path)
	local tok, id = {}, {}
	for l in io.lines(path) do
		local a, b = l:match("^(%S+) (%d+)$")
		if a then
			tok[#tok + 1] = a
			id[#id + 1] = b
		end
	end
	return tok, id
end

function M.done(summary, latency, requests)
	local bad, used, created, first, last = 0, 0, 0, nil, 0
	for _, t in ipairs(threads) do
		bad = bad + (t:get("bad") or 0)
		used = used + (t:get("used") or 0)
		created = created + (t:get("created") or 0)
		local f = t:get("t_first") or 0
		if f > 0 and (first == nil or f < first) then first = f end
		last = math.max(last, t:get("t_last") or 0)
	end
	local span = (first and last > first) and (last - first) or 0
	local e = summary.errors
	local secs = summary.duration / 1e6
	io.write(string.format('BENCHJSON {"requests": %d, "duration_s": %.3f, '
	    .. '"rps": %.1f, "p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, '
	    .. '"max_ms": %.2f, "mean_ms": %.2f, "bytes": %d, '
	    .. '"errors_socket": %d, "errors_status": %d, "errors_bad": %d, '
	    .. '"pool_used": %d, "created": %d, "span_s": %.3f}\n',
	    summary.requests, secs, summary.requests / secs,
	    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
	    latency:percentile(99) / 1000, latency.max / 1000,
	    latency.mean / 1000, summary.bytes,
	    e.connect + e.read + e.write + e.timeout, e.status, bad, used,
	    created, span))
end

return M
