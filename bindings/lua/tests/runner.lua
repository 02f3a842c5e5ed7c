-- SPDX-License-Identifier: MIT
-- A small test runner: loads every test_*.lua of a directory (each returns
-- a table of name -> function), runs the tests in name order, and prints one
-- line per test and the summary "N passed, N failed" (", N skipped" when a
-- test could not run here).
local dir = assert(arg[1], "usage: runner.lua TESTDIR [PATTERN]")
local pattern = arg[2]

local files = {}
local ls = assert(io.popen('ls "' .. dir .. '"'))
for name in ls:lines() do
	if name:match("^test_.*%.lua$") then
		files[#files + 1] = name
	end
end
ls:close()
table.sort(files)

local rpmsg = require "rpmsg"
local H = require "helpers"
local engine = os.getenv("RPMSG_ENGINE") or "default"
print(string.format("librpmsg %s, Lua binding, %s, engine %s", rpmsg.version(), _VERSION, engine))

local passed, failed, skipped = 0, 0, 0
for _, file in ipairs(files) do
	local tests = dofile(dir .. "/" .. file)
	local names = {}
	for name in pairs(tests) do
		names[#names + 1] = name
	end
	table.sort(names)
	for _, name in ipairs(names) do
		local full = file:gsub("%.lua$", "") .. "." .. name
		if not pattern or full:find(pattern) then
			local ok, err = xpcall(tests[name], debug.traceback)
			-- Every test leaves nothing behind: collect to run finalizers now.
			collectgarbage()
			collectgarbage()
			if ok then
				passed = passed + 1
				print("ok   " .. full)
			elseif getmetatable(err) == H.Skipped then
				skipped = skipped + 1
				print("skip " .. full .. ": " .. err.reason)
			else
				failed = failed + 1
				print("FAIL " .. full .. ": " .. tostring(err))
			end
		end
	end
end
print(string.format("%s (engine %s): %d passed, %d failed%s", "Lua suite", engine, passed, failed,
	skipped > 0 and string.format(", %d skipped", skipped) or ""))
os.exit(failed == 0 and passed > 0)
