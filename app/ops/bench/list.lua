-- GET /api/applications as staff: a page of 50 with filters (a call, a
-- ward, statuses) and, in three pages of four, a search word: with
-- diacritics, without, a reference, a name.  args: data dir,
-- comma-separated call ids.
package.path = "app/ops/bench/?.lua;" .. package.path
local c = require("common")
setup = c.setup
done = c.done

local tokens, calls
local wards = { "00037", "00040", "00043", "00046", "00049", "00052",
    "00055", "00058", "00061", "00064", "00067", "00070", "00073", "00076",
    "00079", "00082", "00085", "00088" }
local words = { "hương", "huong", "Hương", "bánh cuốn", "banh", "may mặc",
    "xưởng may", "phở", "nguyễn", "tran thi", "homestay", "gốm", "HK-2025",
    "ô mai", "thêu", "làm móng", "Lan", "Hàng Bạc", "quỳnh", "dạy kèm" }
local statuses = { "submitted,screening", "in_review", "eligible",
    "rejected,waitlisted", "in_followup" }

local function enc(s)
	return (s:gsub("[^%w%-_%.~]", function(ch)
		return string.format("%%%02X", string.byte(ch))
	end))
end

function init(args)
	tokens = c.lines(args[1] .. "/staff.txt")
	calls = {}
	for id in args[2]:gmatch("%d+") do calls[#calls + 1] = id end
	math.randomseed(11 + tid)
end

-- Four kinds of page, drawn alike; pg-list-{1,2,3,4}.sql run the same
-- statements through pgbench.
function request()
	local q = "/api/applications?limit=50&call_id=" .. calls[math.random(#calls)]
	local v = math.random(4)
	if v == 2 or v == 3 then
		q = q .. "&ward=" .. wards[math.random(#wards)]
	end
	if v == 3 then
		q = q .. "&status=" .. statuses[math.random(#statuses)]
	else
		q = q .. "&q=" .. enc(words[math.random(#words)])
	end
	if v == 4 then
		q = q .. "&sort=business_name"
	end
	return wrk.format("GET", q,
	    { ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] })
end
