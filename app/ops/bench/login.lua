-- POST /api/auth/login with the right password: scrypt on the task
-- threads.  args: data dir.
package.path = "app/ops/bench/?.lua;" .. package.path
local c = require("common")
setup = c.setup
done = c.done

local emails
bad, used = 0, 0

function init(args)
	emails = c.lines(args[1] .. "/logins.txt")
	math.randomseed(29 + tid)
end

function request()
	return wrk.format("POST", "/api/auth/login",
	    { ["Content-Type"] = "application/json" },
	    '{"email":"' .. emails[math.random(#emails)] ..
	    '","password":"sen-applicant-demo"}')
end

function response(status, headers, b)
	if status ~= 200 then bad = bad + 1 end
end
