-- A working day's mix, 90 % reads and 10 % writes: applicants read their
-- list (35 %), staff open applications (30 %) and search the list
-- (25 %), reviewers save reviews (5 %: first saves of the second half of
-- the review pool) and owners send check-ins (5 %: the second half of
-- the check-in pool).  args: data dir, threads, lowest and highest
-- application id, comma-separated call ids.
package.path = "app/ops/bench/?.lua;" .. package.path
local c = require("common")
setup = c.setup
done = c.done

local staff, applicants, rv_t, rv_a, ck_t, ck_i, lo, hi, calls
local nrv, nck = 1, 1
bad, used = 0, 0

local words = { "hương", "huong", "bánh cuốn", "may mặc", "phở", "nguyễn",
    "homestay", "gốm", "ô mai", "thêu", "Lan", "quỳnh" }
local review = '{"scores":{"feasibility":7,"impact":6,"capacity":8,' ..
    '"women_jobs":5},"comment_applicant":"Nên bổ sung dự kiến doanh thu.",' ..
    '"recommendation":"fund"}'
local checkin = '{"operating":true,"registration_status":"household_business",' ..
    '"revenue_vnd":20000000,"profit_vnd":4000000,"workers":{"women":2,' ..
    '"men":0,"with_disability":0},"jobs_created":1,"jobs_created_women":1,' ..
    '"household_status":"none"}'

local function enc(s)
	return (s:gsub("[^%w%-_%.~]", function(ch)
		return string.format("%%%02X", string.byte(ch))
	end))
end

local function half(t, i, n)
	local a, b = {}, {}
	for k = math.floor(#t / 2) + 1 + tid, #t, n do
		a[#a + 1] = t[k]
		b[#b + 1] = i[k]
	end
	return a, b
end

function init(args)
	local n = tonumber(args[2])
	staff = c.lines(args[1] .. "/staff.txt")
	applicants = c.lines(args[1] .. "/applicants.txt")
	lo, hi = tonumber(args[3]), tonumber(args[4])
	calls = {}
	for id in args[5]:gmatch("%d+") do calls[#calls + 1] = id end
	local t, i = c.pairs(args[1] .. "/reviews.txt")
	rv_t, rv_a = half(t, i, n)
	t, i = c.pairs(args[1] .. "/checkins.txt")
	ck_t, ck_i = half(t, i, n)
	math.randomseed(31 + tid)
end

local function bearer(t)
	return { ["Authorization"] = "Bearer " .. t,
	    ["Content-Type"] = "application/json" }
end

function request()
	local r = math.random()
	if r < 0.35 then
		return wrk.format("GET", "/api/applications",
		    bearer(applicants[math.random(#applicants)]))
	elseif r < 0.65 then
		return wrk.format("GET", "/api/applications/" .. math.random(lo, hi),
		    bearer(staff[math.random(#staff)]))
	elseif r < 0.90 or (nrv > #rv_a and nck > #ck_i) then
		return wrk.format("GET", "/api/applications?limit=50&call_id=" ..
		    calls[math.random(#calls)] .. "&q=" ..
		    enc(words[math.random(#words)]), bearer(staff[math.random(#staff)]))
	elseif (r < 0.95 and nrv <= #rv_a) or nck > #ck_i then
		local k = nrv
		nrv = nrv + 1
		used = used + 1
		return wrk.format("PUT", "/api/applications/" .. rv_a[k] .. "/review",
		    bearer(rv_t[k]), review)
	else
		local k = nck
		nck = nck + 1
		used = used + 1
		return wrk.format("POST", "/api/businesses/" .. ck_i[k] .. "/checkins",
		    bearer(ck_t[k]), checkin)
	end
end

function response(status, headers, b)
	if status ~= 200 and status ~= 201 then bad = bad + 1 end
end
