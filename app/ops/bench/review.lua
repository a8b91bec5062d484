-- Review submission, as a reviewer does it: PUT her review (the first
-- save of an assignment she declared, no If-Match: 201 with the ETag),
-- then POST .../review/submit with that ETag in If-Match (200).  Each
-- assignment of the pool is written once, so every request is valid
-- whatever the order in which the connections of a thread answer: a
-- submit is sent only after its save's answer came back, found by the
-- application id in it.  A submission is two requests.
-- args: data dir, threads, share of the pool (0 first half, 1 second
-- half, 2 all), mode ("submit" or "save": saves only).
package.path = "app/ops/bench/?.lua;" .. package.path
local c = require("common")
setup = c.setup
done = c.done

local tokens, apps, by_app, pending, nextp, step, last
local submit_too = true
bad, used = 0, 0

local body = '{"scores":{"feasibility":%d,"impact":%d,"capacity":%d,' ..
    '"women_jobs":%d},"comment_applicant":"Kế hoạch rõ ràng, nên bổ sung ' ..
    'dự kiến doanh thu từng tháng.","comment_committee":"Người nộp có ' ..
    'kinh nghiệm, ngân sách hợp lý.","recommendation":"%s"}'

function init(args)
	local all_t, all_a = c.pairs(args[1] .. "/reviews.txt")
	local n = tonumber(args[2])
	local share = tonumber(args[3] or "2")
	submit_too = (args[4] or "submit") == "submit"
	local lo, hi = 1, #all_t
	if share == 0 then hi = math.floor(#all_t / 2)
	elseif share == 1 then lo = math.floor(#all_t / 2) + 1 end
	tokens, apps, by_app = {}, {}, {}
	-- An application once per thread: the answer to a save names its
	-- application, not its reviewer.
	for i = lo + tid, hi, n do
		if not by_app[all_a[i]] then
			tokens[#tokens + 1] = all_t[i]
			apps[#apps + 1] = all_a[i]
			by_app[all_a[i]] = all_t[i]
		end
	end
	pending = {}
	nextp = 1
	math.randomseed(19 + tid)
end

function request()
	local p = table.remove(pending)
	if p then
		return wrk.format("POST", "/api/applications/" .. p[1] ..
		    "/review/submit", { ["Authorization"] = "Bearer " ..
		    by_app[p[1]], ["If-Match"] = p[2],
		    ["Content-Type"] = "application/json" }, "{}")
	end
	if nextp > #apps then
		-- The pool is spent: say so rather than write twice.
		wrk.thread:stop()
		nextp = 1
	end
	local i = nextp
	nextp = nextp + 1
	used = used + 1
	local q = math.random(4, 9)
	return wrk.format("PUT", "/api/applications/" .. apps[i] .. "/review",
	    { ["Authorization"] = "Bearer " .. tokens[i],
	      ["Content-Type"] = "application/json" },
	    string.format(body, q, q - 1, q + 1, q, q >= 6 and "fund" or "maybe"))
end

function response(status, headers, b)
	if status == 201 then
		if submit_too then
			local app = b:match('"application_id":%s*(%d+)')
			local etag = headers["etag"] or headers["ETag"]
			if app and etag then
				pending[#pending + 1] = { app, etag }
			else
				bad = bad + 1
			end
		end
	elseif status ~= 200 then
		bad = bad + 1
	end
end
