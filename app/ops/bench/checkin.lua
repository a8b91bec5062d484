-- POST /api/businesses/{id}/checkins by the owner: the answer to her
-- earliest open check-in (no schedule_number: Sen picks it).  Each
-- business of the pool answers once, so every request is valid.
-- args: data dir, threads, share of the pool (0 first half, 1 second
-- half, 2 all).
package.path = "app/ops/bench/?.lua;" .. package.path
local c = require("common")
setup = c.setup
done = c.done

local tokens, ids, nextp
bad, used = 0, 0

local body = '{"operating":true,"registration_status":"household_business",' ..
    '"revenue_vnd":%d,"profit_vnd":%d,"workers":{"women":%d,"men":0,' ..
    '"with_disability":0},"jobs_created":%d,"jobs_created_women":%d,' ..
    '"milestones":["Có khách hàng thường xuyên ở chợ Đồng Xuân"],' ..
    '"household_status":"none","challenges":"Giá nguyên liệu tăng.",' ..
    '"support_needed":["digital_sales"]}'

function init(args)
	local all_t, all_i = c.pairs(args[1] .. "/checkins.txt")
	local n = tonumber(args[2])
	local share = tonumber(args[3] or "2")
	local lo, hi = 1, #all_t
	if share == 0 then hi = math.floor(#all_t / 2)
	elseif share == 1 then lo = math.floor(#all_t / 2) + 1 end
	tokens, ids = {}, {}
	for i = lo + tid, hi, n do
		tokens[#tokens + 1] = all_t[i]
		ids[#ids + 1] = all_i[i]
	end
	nextp = 1
	math.randomseed(23 + tid)
end

function request()
	if nextp > #ids then
		wrk.thread:stop()
		nextp = 1
	end
	local i = nextp
	nextp = nextp + 1
	used = used + 1
	local rev = math.random(5, 60) * 1000000
	local w = math.random(1, 4)
	return wrk.format("POST", "/api/businesses/" .. ids[i] .. "/checkins",
	    { ["Authorization"] = "Bearer " .. tokens[i],
	      ["Content-Type"] = "application/json" },
	    string.format(body, rev, math.floor(rev / 5), w, w - 1, w - 1))
end

function response(status, headers, b)
	if status ~= 201 then bad = bad + 1 end
end
