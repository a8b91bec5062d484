-- POST /api/auth/login with the right password: scrypt on the task
-- threads.  args: data dir.  (The addresses are header values only: no
-- traffic goes anywhere but the server on loopback.)
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

-- From many addresses, as nginx reports them (X-Real-IP): a login is
-- counted against its address until it succeeds.
function request()
	return wrk.format("POST", "/api/auth/login",
	    { ["Content-Type"] = "application/json",
	      ["X-Real-IP"] = string.format("10.%d.%d.%d", math.random(0, 255),
		math.random(0, 255), math.random(1, 254)) },
	    '{"email":"' .. emails[math.random(#emails)] ..
	    '","password":"sen-applicant-demo"}')
end

function response(status, headers, b)
	if status ~= 200 then bad = bad + 1 end
end
