-- wrk script: send the paths of a file (wrk ... -s paths.lua -- FILE) in
-- turn, each thread from its own random offset, and print one JSON line
-- with requests/s, p50 and p99 in milliseconds. wrk counts answers that
-- are not 2xx or 3xx (the misses' 404s) in non_2xx_3xx.
local paths = {}
local i = 0

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  i = math.random(#paths)
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"rps":%.0f,"p50_ms":%.3f,"p99_ms":%.3f,"errors":%d,"non_2xx_3xx":%d}\n',
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
