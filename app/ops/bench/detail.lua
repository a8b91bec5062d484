-- GET /api/applications/{id} as staff: a random application, a random
-- member of staff.  args: data dir, lowest id, highest id.
package.path = "app/ops/bench/?.lua;" .. package.path
local c = require("common")
setup = c.setup
done = c.done

local tokens, lo, hi

function init(args)
	tokens = c.lines(args[1] .. "/staff.txt")
	lo, hi = tonumber(args[2]), tonumber(args[3])
	math.randomseed(7 + tid)
end

function request()
	return wrk.format("GET", "/api/applications/" .. math.random(lo, hi),
	    { ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] })
end
