-- GET /api/applications as an applicant: her own list.  args: data dir.
package.path = "app/ops/bench/?.lua;" .. package.path
local c = require("common")
setup = c.setup
done = c.done

local tokens

function init(args)
	tokens = c.lines(args[1] .. "/applicants.txt")
	math.randomseed(13 + tid)
end

function request()
	return wrk.format("GET", "/api/applications",
	    { ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] })
end
