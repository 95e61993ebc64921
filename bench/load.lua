-- wrk load for one GraphQL mutation, rotating player tokens; every response is checked.
-- Environment: BENCH_TOKENS (file, one access token per line), BENCH_BODY (file, the JSON
-- request body), BENCH_EXPECT (text every successful response contains), BENCH_DELAY_MS
-- (optional mean pause before each request of a connection, for a fixed load: pauses
-- are drawn from an exponential distribution, so connections do not fall into lockstep,
-- which would measure the bursts, not the load; each still waits for its response).
dofile(os.getenv("BENCH_REPORT"))

local function read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    if #line > 0 then table.insert(lines, line) end
  end
  return lines
end

function init(args)
  tokens = read_lines(os.getenv("BENCH_TOKENS"))
  local file = io.open(os.getenv("BENCH_BODY"), "r")
  body = file:read("*a")
  file:close()
  expect = os.getenv("BENCH_EXPECT")
  pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
  index = offset * 7
  math.randomseed(1000 + offset)
end

function request()
  index = index % #tokens + 1
  return wrk.format("POST", "/graphql", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[index],
  }, body)
end

function delay()
  if pause <= 0 then return 0 end
  return math.floor(-math.log(1 - math.random()) * pause + 0.5)
end

function response(status, headers, response_body)
  if status ~= 200 or not string.find(response_body, expect, 1, true) then
    fail(response_body)
  end
end
