-- wrk script of scripts/faults.sh (the database restart under load): every request
-- POSTs a company with a slug never used before, also sent as its Idempotency-Key.
-- Each thread appends one line per response to $FAULTS_OUT/responses-<thread>.txt:
--
--   <status> <slug of the created company, from a 201 body; "-" otherwise>
--
-- done() prints wrk's socket errors as one line that faults.sh parses:
--
--   LOAD requests=N connect=N read=N write=N timeout=N
--
-- Needs FAULTS_OUT (a directory), FAULTS_KEY (an API key with content:write) and
-- FAULTS_RUN (a prefix unique to the run).

local threads = {}
local next_id = 1

setup = function(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local counter = 0
local out
local key = os.getenv("FAULTS_KEY")
local run = os.getenv("FAULTS_RUN")

init = function(args)
  out = assert(io.open(os.getenv("FAULTS_OUT") .. "/responses-" .. id .. ".txt", "a"))
end

request = function()
  counter = counter + 1
  local slug = string.format("%s-%d-%d", run, id, counter)
  return wrk.format("POST", "/v1/companies", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. key,
    ["Idempotency-Key"] = slug,
  }, string.format('{"slug":"%s","name":"Last %s"}', slug, slug))
end

response = function(status, headers, body)
  local slug = "-"
  if status == 201 then slug = body:match('"slug":"([^"]+)"') or "?" end
  out:write(status, " ", slug, "\n")
  out:flush()
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("LOAD requests=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, e.connect, e.read, e.write, e.timeout))
end
