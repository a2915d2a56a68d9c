-- POST a form, each request with its own cookie and body, taken in turn from a file that
-- bench/run.py writes: one request a line, "<Cookie header>\t<urlencoded body>".
-- wrk -t<T> <url> -s post_cycle.lua -- <file> <path> <T>
-- Thread t of T sends lines t, t+T, t+2T, ... so no two threads send the same line.
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  lines = {}
  for line in io.lines(args[1]) do
    local cookie, body = line:match("^([^\t]*)\t(.*)$")
    table.insert(lines, {cookie, body})
  end
  path = args[2]
  step = tonumber(args[3]) or 1
  index = id + 1
end

function request()
  local item = lines[index]
  index = index + step
  if index > #lines then
    index = id + 1
  end
  local headers = {
    ["Cookie"] = item[1],
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  return wrk.format("POST", path, headers, item[2])
end

function done(summary, latency, requests)
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("bench-latency p%d %d\n", p, latency:percentile(p)))
  end
end
