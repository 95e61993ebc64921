-- wrk load for crash: each connection alternates `crashBet` and `crashCashout` of the
-- round that bet opened, over players no other connection uses (a player has one open
-- round at a time). Run with as many threads as connections: wrk keeps one Lua state per
-- thread, so one connection per thread makes request() and response() strictly alternate.
-- Every response is checked. Environment: BENCH_TOKENS (file, one access token per
-- line), BENCH_THREADS (how many threads share the tokens).
dofile(os.getenv("BENCH_REPORT"))

local BET = '{"query":"mutation { crashBet(input: {stake: 10}) { __typename '
  .. '... on CrashBetPlaced { round { id } balance } } }"}'
-- The round's id goes in a variable, as clients send it: one document, parsed and
-- validated once (an id inlined in the document would make every cash-out a new one).
local CASHOUT = '{"query":"mutation C($input: CrashCashoutInput!) { crashCashout(input: $input) '
  .. '{ __typename ... on CrashCashedOut { payout balance } ... on CrashRoundLost { crashPoint } } }",'
  .. '"variables":{"input":{"roundId":"%s"}}}'

function init(args)
  local count = tonumber(os.getenv("BENCH_THREADS"))
  tokens = {}
  local position = 0
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    if #line > 0 then
      if position % count == offset then table.insert(tokens, line) end
      position = position + 1
    end
  end
  index = 0
  open_round = nil
end

function request()
  if open_round == nil then
    index = index % #tokens + 1
  end
  local body = BET
  if open_round ~= nil then body = string.format(CASHOUT, open_round) end
  return wrk.format("POST", "/graphql", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[index],
  }, body)
end

function response(status, headers, response_body)
  if status ~= 200 then
    open_round = nil
    return fail(response_body)
  end
  if open_round == nil then
    open_round = string.match(response_body, '"round":{"id":"([^"]+)"')
    if open_round == nil or not string.find(response_body, "CrashBetPlaced", 1, true) then
      open_round = nil
      fail(response_body)
    end
  else
    open_round = nil
    if not (string.find(response_body, "CrashCashedOut", 1, true)
        or string.find(response_body, "CrashRoundLost", 1, true)) then
      fail(response_body)
    end
  end
end
