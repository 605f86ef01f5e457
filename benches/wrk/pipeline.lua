-- HTTP/1.1 pipelining: each write carries DEPTH copies of the request (default 16, or the first script
-- argument: `wrk ... -s pipeline.lua URL -- 16`); wrk counts every response.
local depth = 16

function init(args)
  depth = tonumber(args[1]) or depth
  local requests = {}
  for i = 1, depth do
    requests[i] = wrk.format()
  end
  batch = table.concat(requests)
end

function request()
  return batch
end
