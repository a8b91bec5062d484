-- GET /api/calls/{id}/ranking as staff.  args: data dir, call id.
package.path = "app/ops/bench/?.lua;" .. package.path
local c = require("common")
setup = c.setup
done = c.done

local tokens, path

function init(args)
	tokens = c.lines(args[1] .. "/staff.txt")
	path = "/api/calls/" .. args[2] .. "/ranking"
	math.randomseed(17 + tid)
end

function request()
	return wrk.format("GET", path,
	    { ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] })
end
