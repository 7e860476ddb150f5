-- wrk script for bench/acks.py (see its docstring); not meant to be run by hand, but it can be:
--
--   wrk -c 64 -t 2 -d 15s --latency -s bench/acks.lua http://127.0.0.1:PORT \
--       -- ack PAIRS_FILE NOTICE_ID THREADS     # POST /api/v1/notices/N/acknowledge per pair
--   wrk ... -s bench/acks.lua http://127.0.0.1:PORT -- get /healthz
--
-- PAIRS_FILE holds one "token child_id" pair a line. Thread i of THREADS takes lines i, i+T,
-- i+2T... so the threads never send the same pair until each has used up its share; then a thread
-- starts its share again (a repeated acknowledgment is harmless). Requests are formatted once in
-- init(), so the Lua cost per request is a table lookup. Every response status is counted, and
-- done() prints one line "ACKS_BENCH_JSON {...}" with the counts and the socket errors.

local threads = {}
local next_tid = 0

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  reqs = {}
  idx = 0
  local mode = args[1]
  if mode == "ack" then
    local path = "/api/v1/notices/" .. args[3] .. "/acknowledge"
    local nthreads = tonumber(args[4])
    local line_no = 0
    for line in io.lines(args[2]) do
      if line_no % nthreads == tid then
        local token, child = line:match("^(%S+)%s+(%d+)%s*$")
        if token then
          reqs[#reqs + 1] = wrk.format("POST", path, {
            ["Host"] = wrk.headers["Host"],
            ["Authorization"] = "Bearer " .. token,
            ["Content-Type"] = "application/json",
          }, '{"child_id": ' .. child .. '}')
        end
      end
      line_no = line_no + 1
    end
  elseif mode == "get" then
    reqs[1] = wrk.format("GET", args[2])
  else
    error("first script argument must be 'ack' or 'get', got " .. tostring(mode))
  end
  if #reqs == 0 then
    error("no requests for thread " .. tid)
  end
end

function request()
  idx = idx + 1
  if idx > #reqs then
    idx = 1
  end
  return reqs[idx]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses") or {}
    for status, n in pairs(counts) do
      total[status] = (total[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do
    parts[#parts + 1] = string.format('"%d": %d', status, n)
  end
  local e = summary.errors
  io.write(string.format(
    'ACKS_BENCH_JSON {"requests": %d, "duration_us": %d, "statuses": {%s}, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, table.concat(parts, ", "),
    e.connect, e.read, e.write, e.status, e.timeout))
end
