-- Bulk import through the API: POST /api/applications, a draft for each
-- of 10 000 applicants (one each: an applicant has one application per
-- call), then the threads stop.  args: data dir, threads, call id.
-- The time is from the first request sent to the last draft created, as
-- each thread sees it (t_first, t_last: seconds, monotonic clock), since
-- wrk itself runs for as long as it was told.
package.path = "app/ops/bench/?.lua;" .. package.path
local c = require("common")
local ffi = require("ffi")
setup = c.setup
done = c.done

ffi.cdef[[
struct bench_ts { long sec; long nsec; };
int clock_gettime(int, struct bench_ts *);
]]
local ts = ffi.new("struct bench_ts")
local function now()
	ffi.C.clock_gettime(1, ts)
	return tonumber(ts.sec) + tonumber(ts.nsec) / 1e9
end

local tokens, nextp, call
bad, used, created, t_first, t_last = 0, 0, 0, 0, 0

local body = '{"call_id":%s,"business_name":"Tiệm bánh cuốn số %d",' ..
    '"stage":"idea","sector":"food_beverage","description":"Bánh cuốn ' ..
    'nóng làm tại chỗ, nguyên liệu sạch, bán cho khách trong phố cổ.",' ..
    '"problem_customers":"Khách văn phòng cần bữa sáng nhanh.",' ..
    '"plan":"Mua nồi tráng bánh, thuê hai lao động nữ.","team_size":2,' ..
    '"women_employed":2,"jobs_planned":2,"amount_requested_vnd":30000000,' ..
    '"budget_lines":[{"item":"Nồi tráng bánh và tủ kính","amount_vnd":' ..
    '18000000},{"item":"Nguyên liệu tháng đầu","amount_vnd":12000000}],' ..
    '"women_capital_pct":100,"woman_manager":true}'

function init(args)
	local all = c.lines(args[1] .. "/import.txt")
	local n = tonumber(args[2])
	call = args[3]
	tokens = {}
	for i = 1 + tid, #all, n do tokens[#tokens + 1] = all[i] end
	nextp = 1
end

function request()
	if t_first == 0 then t_first = now() end
	if nextp > #tokens then
		-- Done: something cheap until wrk's time is up.
		return wrk.format("GET", "/api/health")
	end
	local i = nextp
	nextp = nextp + 1
	used = used + 1
	return wrk.format("POST", "/api/applications",
	    { ["Authorization"] = "Bearer " .. tokens[i],
	      ["Content-Type"] = "application/json" },
	    string.format(body, call, i))
end

function response(status, headers, b)
	if status == 201 then
		created = created + 1
		t_last = now()
	elseif status ~= 200 then
		bad = bad + 1
	end
end
