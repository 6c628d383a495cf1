-- wrk script of bench/run.sh's workloads: every request picks a path at random
-- (uniformly: first one of the path files, then one of its lines), so that the
-- long tail is measured, not one hot URL.
--
--   wrk ... -s bench/paths.lua URL -- READ_KEY WRITE_KEY WRITE_PERCENT SLUG_PREFIX FILE...
--
-- READ_KEY       "-" for anonymous reads, else sent as "Authorization: Bearer READ_KEY"
-- WRITE_KEY      the key of the writes (content:write)
-- WRITE_PERCENT  share of writes (0 for read-only workloads; 2 for the mixed one):
--                POST /v1/companies with a new, unique slug (SLUG_PREFIX-thread-counter);
--                they succeed (201), so non-2xx stays a measure of failures
-- FILE...        files of paths, one a line (bench/paths.js and bench/run.sh write them)
--
-- done() prints the BENCH line of bench/report.lua.

local threads = {}
local counter = 0

setup = function(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

init = function(args)
  local key, write_key, writes, prefix = args[1], args[2], tonumber(args[3]), args[4]
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
  files = {}
  for i = 5, #args do
    local lines = {}
    for line in io.lines(args[i]) do
      if line ~= "" then lines[#lines + 1] = line end
    end
    if #lines > 0 then files[#files + 1] = lines end
  end
  assert(#files > 0, "paths.lua: no paths in " .. table.concat(args, " ", 5))
  headers = {}
  write_headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. write_key }
  if key ~= "-" then headers["Authorization"] = "Bearer " .. key end
  write_share = (writes or 0) / 100
  slug_prefix = prefix .. "-" .. tostring(tid or 0)
end

request = function()
  if write_share > 0 and math.random() < write_share then
    counter = counter + 1
    local slug = slug_prefix .. "-" .. counter
    return wrk.format("POST", "/v1/companies", write_headers,
      '{"slug":"' .. slug .. '","name":"Benchmark GmbH ' .. slug .. '","city":"Köln","state":"DE-NW",' ..
      '"sector":"Handwerk","description":"Ausbildung und Sprachförderung für Geflüchtete."}')
  end
  local f = files[math.random(#files)]
  return wrk.format("GET", f[math.random(#f)], headers)
end

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")
